// simple-peer-light ships no types; peer-link.ts types the constructor by the part of its API the link uses.
declare module 'simple-peer-light' {
  const SimplePeerLight: unknown;
  export default SimplePeerLight;
}
