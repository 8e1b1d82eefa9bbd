// The part of jsonld.js (devDependency; it ships no types) the tests use.
declare module 'jsonld' {
  interface Options {
    /** Called for every remote document (contexts...); the tests refuse, so expansion is offline. */
    documentLoader?: (url: string) => Promise<unknown>;
  }
  const jsonld: {
    expand(input: object, options?: Options): Promise<Record<string, unknown>[]>;
  };
  export default jsonld;
}
