/**
 * Rows of a download's data file as its text arrives in chunks, split by PapaParse's own parser
 * (`Papa.Parser`, the one its streaming readers drive). biocache-service writes the files with
 * opencsv (fields quoted where they hold the separator, a quote or a line break; `""` for a quote),
 * or as TSV. Driven here as Papa's ChunkStreamer drives it: each chunk is parsed after what the one
 * before left unfinished, the last, maybe partial, row held back. As a Node stream of rows,
 * PapaParse cost 4.1 µs a row of the bench's downloads; driven a chunk at a time it cost the same
 * as the hand-written splitter it replaced, or a little less (docs/sync.md).
 *
 * What PapaParse does with a malformed quote (text after a closing quote) is kept: the field runs
 * on to the next quote that closes one, maybe over a line break into the next row. opencsv never
 * writes one, so such a row is marked (`badQuote`) for the reader to refuse.
 */
import Papa from "papaparse";

export class CsvError extends Error {
  override name = "CsvError";
}

/**
 * No row of a download comes near this: a row held back longer is a quote that never closes (a file
 * that is not what it says), refused before the rest of the file piles up behind it.
 */
const MAX_ROW_CHARS = 1 << 20;

/** A row; `badQuote` when a quoted field in it was not closed where it should be. */
export type CsvRow = string[] & { badQuote?: true };

/** What `Papa.Parser.parse` answers; its typings say `any`. */
interface Parsed {
  data: CsvRow[];
  errors: { code: string; row: number }[];
  meta: { cursor: number };
}

export class CsvRows {
  private rest = "";
  private parser: Papa.Parser | null = null;
  private readonly delimiter: string;

  constructor(delimiter = ",") {
    if (delimiter.length !== 1) throw new Error("the delimiter must be one character");
    this.delimiter = delimiter;
  }

  /** The complete rows in `chunk` (after what an earlier chunk left unfinished). Empty lines are skipped. */
  push(chunk: string): CsvRow[] {
    const text = this.rest + chunk;
    if (!this.parser) {
      // Papa takes one line ending a file: the first line's says whether it is CRLF (opencsv writes "\n").
      const lf = text.indexOf("\n");
      if (lf >= 0) this.parser = this.newParser(lf > 0 && text.charCodeAt(lf - 1) === 13 ? "\r\n" : "\n");
    }
    let rows: CsvRow[] = [];
    if (this.parser) {
      const parsed: Parsed = this.parser.parse(text, 0, true);
      this.rest = text.slice(parsed.meta.cursor);
      rows = rowsOf(parsed);
    } else this.rest = text;
    if (this.rest.length > MAX_ROW_CHARS) throw new CsvError(`a row runs past ${MAX_ROW_CHARS} characters: a quoted field that is never closed`);
    return rows;
  }

  /** The last row, when the text does not end with a line break; throws on a quote left open. */
  end(): CsvRow[] {
    const text = this.rest;
    this.rest = "";
    if (text === "") return [];
    const parsed: Parsed = (this.parser ?? this.newParser("\n")).parse(text, 0, false);
    const open = parsed.errors.find((e) => e.code === "MissingQuotes");
    if (open) throw new CsvError(`a quoted field opened in row ${open.row + 1} of the last chunk is never closed`);
    return rowsOf(parsed);
  }

  private newParser(newline: "\n" | "\r\n"): Papa.Parser {
    return new Papa.Parser({ delimiter: this.delimiter, newline });
  }
}

/**
 * The parsed rows, malformed quotes marked, without empty lines (Papa gives one as one empty field).
 * A quote error at or past the last row is the unfinished row held back for the next chunk.
 */
function rowsOf(parsed: Parsed): CsvRow[] {
  const rows = parsed.data;
  for (const e of parsed.errors) if (e.code === "InvalidQuotes" && e.row < rows.length) rows[e.row].badQuote = true;
  let n = 0;
  for (const row of rows) if (row.length > 1 || row[0] !== "") rows[n++] = row;
  rows.length = n;
  return rows;
}
