// C2PA: the c2pa-rs settings for signing and verifying offline against the install CAs a verifier knows (main process and render workers).

/**
 * Settings JSON for c2pa-wasm's Builder and Reader. Trust is checked against `trustAnchorsPem` only (c2pa-rs ships no
 * trust list of its own); nothing is fetched, so OCSP and remote manifests stay off. Signature and hash validation
 * stay on, and c2pa-rs re-reads every asset it signs.
 */
export function c2paSettings(trustAnchorsPem: readonly string[]): string {
  const anchors = trustAnchorsPem.map((pem) => pem.trim()).filter((pem) => pem.length > 0);
  return JSON.stringify({
    verify: {
      verify_after_reading: true,
      verify_after_sign: true,
      verify_trust: true,
      ocsp_fetch: false,
      remote_manifest_fetch: false,
    },
    ...(anchors.length > 0 ? { trust: { user_anchors: `${anchors.join('\n')}\n` } } : {}),
  });
}
