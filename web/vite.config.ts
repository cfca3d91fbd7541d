import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { graphqlDocuments } from './graphql-documents-plugin.ts';

/** Where `pnpm dev` forwards API calls (HTTP and the graphql-ws WebSocket). */
const api = process.env.PADDOCK_API_URL ?? 'http://localhost:4000';

export default defineConfig({
  plugins: [graphqlDocuments(), react()],
  server: {
    proxy: {
      '/graphql': { target: api, ws: true, changeOrigin: true },
      '/readyz': { target: api, changeOrigin: true },
      '/signin-hint': { target: api, changeOrigin: true },
    },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
  },
});
