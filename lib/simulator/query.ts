import { field, type FieldDef } from "./fields";

/**
 * The subset of Solr's standard query syntax the sync and the ALA's quality filters use:
 * `*:*`, `field:value`, `field:"quoted value"`, `field:prefix*`, `field:*`, ranges
 * `field:[A TO B]` / `{A TO B}` with `*` for open ends, `-`/`NOT` negation, `AND`/`OR`,
 * parentheses and `field:(a OR b)`. Juxtaposed clauses are ANDed. Bare words search names.
 */

export type Node =
  | { type: "all" }
  | { type: "term"; field: FieldDef; name: string; value: string; prefix: boolean }
  | { type: "exists"; field: FieldDef; name: string }
  | { type: "range"; field: FieldDef; name: string; lo: string | null; hi: string | null; loInclusive: boolean; hiInclusive: boolean }
  | { type: "text"; value: string }
  | { type: "not"; node: Node }
  | { type: "and"; nodes: Node[] }
  | { type: "or"; nodes: Node[] };

/** A query Solr would refuse (HTTP 400). */
export class QueryError extends Error {}

const FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_.]*/;

class Parser {
  private pos = 0;
  constructor(private readonly text: string) {}

  parse(): Node {
    this.space();
    if (this.pos === this.text.length) return { type: "all" };
    const node = this.or();
    this.space();
    if (this.pos < this.text.length) this.fail(`unexpected '${this.text[this.pos]}'`);
    return node;
  }

  private fail(why: string): never {
    throw new QueryError(`Cannot parse '${this.text}': ${why} at position ${this.pos}`);
  }

  private space(): void {
    while (this.pos < this.text.length && /\s/.test(this.text[this.pos])) this.pos++;
  }

  private keyword(word: string): boolean {
    this.space();
    if (this.text.startsWith(word, this.pos) && /[\s(]|$/.test(this.text[this.pos + word.length] ?? "")) {
      this.pos += word.length;
      return true;
    }
    return false;
  }

  private or(): Node {
    const nodes = [this.and()];
    while (this.keyword("OR") || this.symbol("||")) nodes.push(this.and());
    return nodes.length === 1 ? nodes[0] : { type: "or", nodes };
  }

  private and(): Node {
    const nodes = [this.unary()];
    for (;;) {
      this.space();
      if (this.pos >= this.text.length || this.text[this.pos] === ")") break;
      const save = this.pos;
      if (this.keyword("OR") || this.symbol("||")) {
        this.pos = save;
        break;
      }
      this.keyword("AND") || this.symbol("&&");
      nodes.push(this.unary());
    }
    return nodes.length === 1 ? nodes[0] : { type: "and", nodes };
  }

  private symbol(s: string): boolean {
    this.space();
    if (this.text.startsWith(s, this.pos)) {
      this.pos += s.length;
      return true;
    }
    return false;
  }

  private unary(): Node {
    this.space();
    if (this.symbol("-") || this.symbol("!") || this.keyword("NOT")) return { type: "not", node: this.unary() };
    if (this.symbol("+")) return this.unary();
    if (this.symbol("(")) {
      const node = this.or();
      if (!this.symbol(")")) this.fail("missing ')'");
      return node;
    }
    if (this.text.startsWith("*:*", this.pos)) {
      this.pos += 3;
      return { type: "all" };
    }
    const m = FIELD_NAME.exec(this.text.slice(this.pos));
    if (m && this.text[this.pos + m[0].length] === ":") {
      const name = m[0];
      const def = field(name);
      if (!def) throw new QueryError(`undefined field ${name}`);
      this.pos += name.length + 1;
      return this.value(def, name);
    }
    const { text } = this.bare();
    if (text === "") this.fail("expected a clause");
    return { type: "text", value: text };
  }

  private value(def: FieldDef, name: string): Node {
    const c = this.text[this.pos];
    if (c === "[" || c === "{") {
      this.pos++;
      const lo = this.bound();
      if (!this.keyword("TO")) this.fail("expected TO in range");
      const hi = this.bound();
      this.space();
      const end = this.text[this.pos];
      if (end !== "]" && end !== "}") this.fail("unterminated range");
      this.pos++;
      return { type: "range", field: def, name, lo, hi, loInclusive: c === "[", hiInclusive: end === "]" };
    }
    if (c === "(") {
      this.pos++;
      const nodes: Node[] = [];
      while (!this.symbol(")")) {
        if (this.pos >= this.text.length) this.fail("missing ')'");
        if (this.keyword("OR")) continue;
        nodes.push(this.single(def, name));
      }
      return nodes.length === 1 ? nodes[0] : { type: "or", nodes };
    }
    return this.single(def, name);
  }

  private single(def: FieldDef, name: string): Node {
    this.space();
    if (this.text[this.pos] === '"') return { type: "term", field: def, name, value: this.quoted(), prefix: false };
    const { text, wildcard } = this.bare();
    if (text === "" && !wildcard) this.fail(`missing value for ${name}`);
    if (text === "") return { type: "exists", field: def, name };
    return { type: "term", field: def, name, value: text, prefix: wildcard };
  }

  private quoted(): string {
    this.pos++; // opening quote
    let out = "";
    while (this.pos < this.text.length && this.text[this.pos] !== '"') {
      if (this.text[this.pos] === "\\") this.pos++;
      out += this.text[this.pos++] ?? "";
    }
    if (this.text[this.pos] !== '"') this.fail("unterminated quote");
    this.pos++;
    return out;
  }

  /**
   * An unquoted value: up to whitespace or a closing bracket; backslash escapes. ':' and '/' must
   * be escaped (Solr reads them as syntax, so an unquoted URL is a parse error there too).
   * A trailing unescaped '*' makes it a prefix (`wildcard`). Range bounds may hold ':' (dates).
   */
  private bare(inRange = false): { text: string; wildcard: boolean } {
    let text = "";
    let wildcard = false;
    while (this.pos < this.text.length) {
      const ch = this.text[this.pos];
      if (/\s/.test(ch) || ch === ")" || ch === "]" || ch === "}") break;
      if (wildcard) this.fail("wildcards are only supported at the end of a value");
      if (ch === "\\") {
        text += this.text[this.pos + 1] ?? "";
        this.pos += 2;
        continue;
      }
      if (!inRange && (ch === ":" || ch === "/" || ch === "(" || ch === '"')) this.fail(`'${ch}' must be escaped or the value quoted`);
      if (ch === "*") wildcard = true;
      else text += ch;
      this.pos++;
    }
    return { text, wildcard };
  }

  private bound(): string | null {
    this.space();
    if (this.text[this.pos] === '"') return this.quoted();
    const { text, wildcard } = this.bare(true);
    if (text === "" && wildcard) return null;
    if (text === "" || wildcard) this.fail("bad range bound");
    return text;
  }
}

export function parseQuery(text: string): Node {
  return new Parser(text).parse();
}
