/**
 * The key the benches give the mock model gateway. Paddock redacts the gateway key
 * wherever it appears in what it records, so it must not be a word that occurs in
 * ordinary text (paths, messages) or the figures' error text comes out garbled.
 */
export const MOCK_GATEWAY_KEY = 'paddock-bench-mock-gateway-key';
