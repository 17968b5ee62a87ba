// The kernels the model can predict. A profile is a small set of semantic
// switches; the simulator never asks "which kernel is this", only "does this
// kernel accept buffer select on send_zc", "which addr split does it decode".
import type { AbiName } from '../specs/schema.ts';

export type ProfileName = 'rfc-v1' | 'rfc-rev' | 'baseline' | 'host';
export const PROFILE_NAMES: readonly ProfileName[] = ['rfc-v1', 'rfc-rev', 'baseline', 'host'];

/**
 * What the harness probes on the running kernel (the `host` profile). Each
 * field names the corpus scenario whose outcome decides it, so the probe is
 * itself a conformance scenario (see hostFeaturesFromProbes).
 */
export interface HostFeatures {
  kind: 'host';
  /** uname -r, for reports. */
  kernel: string;
  /** SEND_ZC accepts IOSQE_BUFFER_SELECT (probe: zc-bufsel-empty-ring gives -ENOBUFS, not -EOPNOTSUPP). */
  sendZcBufferSelect: boolean;
  /** With sendZcBufferSelect: the {index, offset} split the kernel decodes. Unknown → scenarios that depend on it get no oracle. */
  regbufAbi?: AbiName;
  /** SEND_ZC accepts IORING_RECVSEND_BUNDLE (probe: zc-bundle-flag-plain gives res >= 0, not -EINVAL). */
  sendZcBundle: boolean;
  /** A capped bundle stops before a later entry it would have to truncate (6.15+; 6.12 truncates and takes it). Probe: send-bundle-cap-mid: first CQE res 64 (stops) or 80 (truncates). */
  bundleStopsBeforePartial: boolean;
  /** BUNDLE on SEND without IOSQE_BUFFER_SELECT fails prep with -EINVAL (6.12). Probe: send-bundle-no-select. */
  sendBundleNeedsSelect: boolean;
}

/** The switches the simulator reads. */
export interface Semantics {
  name: string;
  zcBufferSelect: boolean;
  zcBundle: boolean;
  /** How the kernel splits a provided buffer addr with FIXED_BUF; undefined = unknown. */
  abi?: AbiName;
  bundleStopsBeforePartial: boolean;
  /** undefined = the model does not know what this kernel does. */
  sendBundleNeedsSelect?: boolean;
}

const BASE = { zcBufferSelect: false, zcBundle: false, bundleStopsBeforePartial: false, sendBundleNeedsSelect: true } as const;

export const PROFILES: Record<Exclude<ProfileName, 'host'>, Semantics> = {
  // 6.12.8 + 01-03: what every rule marked (base) describes.
  baseline: { name: 'baseline', ...BASE },
  // The RFC as posted: patch 5/7 splits addr 32/32.
  'rfc-v1': { name: 'rfc-v1', ...BASE, zcBufferSelect: true, zcBundle: true, abi: 'rfc-v1' },
  // The RFC with the split agreed in review (Jens Axboe 2024-10-24 22:46): 20/44.
  'rfc-rev': { name: 'rfc-rev', ...BASE, zcBufferSelect: true, zcBundle: true, abi: 'rfc-rev' },
};

/** What this machine's 6.18 kernel showed when the corpus probes ran on it (kept for tests and as an example). */
export const HOST_6_18: HostFeatures = {
  kind: 'host',
  kernel: '6.18',
  sendZcBufferSelect: false,
  sendZcBundle: false,
  bundleStopsBeforePartial: true,
  sendBundleNeedsSelect: false,
};

export function semanticsOf(profile: ProfileName | HostFeatures): Semantics | { error: string } {
  if (typeof profile !== 'string') {
    return {
      name: `host ${profile.kernel}`,
      zcBufferSelect: profile.sendZcBufferSelect,
      zcBundle: profile.sendZcBundle,
      ...(profile.regbufAbi ? { abi: profile.regbufAbi } : {}),
      bundleStopsBeforePartial: profile.bundleStopsBeforePartial,
      // 6.12 rejects it; what a newer kernel that accepts it does is not a semantics the model knows.
      ...(profile.sendBundleNeedsSelect ? { sendBundleNeedsSelect: true } : {}),
    };
  }
  if (profile === 'host') return { error: 'the host profile needs the probed HostFeatures object, not the name "host"' };
  return PROFILES[profile];
}

/** The probe outcome each HostFeatures field is read from: scenario id → how to read it. */
export const HOST_PROBES = {
  sendZcBufferSelect: 'zc-bufsel-empty-ring',
  sendZcBundle: 'zc-bundle-flag-plain',
  bundleStopsBeforePartial: 'send-bundle-cap-mid',
  sendBundleNeedsSelect: 'send-bundle-no-select',
} as const;

/** First CQE res of each probe scenario (user_data 1) → features. Missing probes default to the 6.12 behaviour. */
export function hostFeaturesFromProbes(
  kernel: string,
  firstRes: Partial<Record<(typeof HOST_PROBES)[keyof typeof HOST_PROBES], number>>,
): HostFeatures {
  const r = (k: keyof typeof HOST_PROBES) => firstRes[HOST_PROBES[k]];
  return {
    kind: 'host',
    kernel,
    sendZcBufferSelect: r('sendZcBufferSelect') !== undefined && r('sendZcBufferSelect') !== -95,
    sendZcBundle: r('sendZcBundle') !== undefined && r('sendZcBundle')! >= 0,
    bundleStopsBeforePartial: r('bundleStopsBeforePartial') === 64,
    sendBundleNeedsSelect: r('sendBundleNeedsSelect') === undefined || r('sendBundleNeedsSelect') === -22,
  };
}
