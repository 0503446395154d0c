/** mailauth's own helper for DMARC's relaxed alignment (organisational domains by the Public Suffix List). */
declare module 'mailauth/lib/tools.js' {
  const tools: {
    getAlignment(fromDomain: string, domains: string[]): { domain: string } | false;
  };
  export default tools;
}
