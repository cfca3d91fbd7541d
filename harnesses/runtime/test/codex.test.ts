import { describeCliHarness } from './cli-suite.ts';

describeCliHarness('codex', { shellTool: 'shell', streamsTokens: false, hidesGatewayKey: true });
