/** Staff lists of unmatched mail follow their provider's topic; mail no provider could be told from goes to "none". */
export const inboundTopic = (providerId: number | null) => `inbound-mail:${providerId ?? 'none'}`;
