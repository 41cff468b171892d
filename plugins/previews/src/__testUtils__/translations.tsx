import { ReactNode } from 'react';
import { errorApiRef } from '@backstage/core-plugin-api';
import {
  TranslationApi,
  translationApiRef,
  TranslationMessages,
} from '@backstage/core-plugin-api/alpha';
import { MockErrorApi, mockApis, TestApiProvider } from '@backstage/test-utils';
import { previewsTranslationRef, PreviewsT } from '../translation';

/** The translate function with the default (English) messages, for helpers that take one. */
export function defaultT(): PreviewsT {
  const snapshot = mockApis
    .translation()
    .getTranslation(previewsTranslationRef);
  if (!snapshot.ready) {
    throw new Error('The default messages of the mock API are always ready');
  }
  return snapshot.t;
}

/**
 * A translation API that shows an app's override messages instead of the
 * defaults of their translation ref, as an app's translation resources do.
 */
export function translationApiWith(
  overrides: TranslationMessages,
): TranslationApi {
  const defaults = mockApis.translation();
  return {
    getTranslation(ref) {
      const snapshot = defaults.getTranslation(ref);
      if (!snapshot.ready || ref.id !== overrides.id) return snapshot;
      const messages: Record<string, string | undefined> = overrides.messages;
      const fallback = snapshot.t as (key: string, options?: object) => string;
      const t = (key: string, options?: object) =>
        messages[key] ?? fallback(key, options);
      return { ready: true, t: t as typeof snapshot.t };
    },
    translation$: ref => defaults.translation$(ref),
  };
}

/**
 * The APIs `useTranslationRef` needs, for components rendered without a
 * test app.
 */
export function TranslationApis(props: { children: ReactNode }) {
  return (
    <TestApiProvider
      apis={[
        [translationApiRef, mockApis.translation()],
        [errorApiRef, new MockErrorApi()],
      ]}
    >
      {props.children}
    </TestApiProvider>
  );
}
