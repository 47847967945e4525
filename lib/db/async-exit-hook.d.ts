// async-exit-hook ships no types; this is the one function Edgar uses.
declare module "async-exit-hook" {
  const exitHook: { unhookEvent(event: string): void };
  export default exitHook;
}
