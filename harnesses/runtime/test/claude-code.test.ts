import { describeCliHarness } from './cli-suite.ts';

describeCliHarness('claude-code', { shellTool: 'Bash', streamsTokens: true, hidesGatewayKey: false });
