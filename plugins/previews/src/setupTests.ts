import '@testing-library/jest-dom';
import { configure } from '@testing-library/react';

// Rendering a Backstage app in jsdom is slow on a busy 2-core machine:
// allow for it instead of failing on the default 5 s / 1 s limits.
jest.setTimeout(30_000);
configure({ asyncUtilTimeout: 5_000 });
