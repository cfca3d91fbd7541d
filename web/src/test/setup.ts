import '@testing-library/jest-dom/vitest';
import { afterEach } from 'vitest';
import { cleanup, configure } from '@testing-library/react';

// findBy* and waitFor give up after 1 s by default, which a busy machine can exceed.
configure({ asyncUtilTimeout: 15_000 });

afterEach(() => cleanup());
