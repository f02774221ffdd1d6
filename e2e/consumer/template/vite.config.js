// Nothing Conclave-specific: the packages must bundle with a stock Vite + React setup.
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({ plugins: [react()] });
