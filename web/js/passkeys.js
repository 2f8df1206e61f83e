// Passkeys in the browser (WebAuthn): the server's options arrive as JSON with binary
// members in base64url; navigator.credentials wants ArrayBuffers, and the answer goes back
// as JSON the same way. Nothing here decides anything: the server checks every answer.

const toBytes = (text) => {
  const base64 = text.replace(/-/g, "+").replace(/_/g, "/").padEnd(Math.ceil(text.length / 4) * 4, "=");
  return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0)).buffer;
};
const toText = (buffer) => btoa(String.fromCharCode(...new Uint8Array(buffer)))
  .replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");

export const supported = () => typeof window.PublicKeyCredential === "function";

const withIds = (list) => (list || []).map((item) => ({ ...item, id: toBytes(item.id) }));

function answer(credential, response) {
  return {
    id: credential.id, rawId: toText(credential.rawId), type: credential.type,
    authenticatorAttachment: credential.authenticatorAttachment || undefined,
    clientExtensionResults: credential.getClientExtensionResults(), response,
  };
}

// A new passkey for the options of POST /me/passkeys/options.
export async function create(publicKey) {
  const credential = await navigator.credentials.create({ publicKey: {
    ...publicKey, challenge: toBytes(publicKey.challenge),
    user: { ...publicKey.user, id: toBytes(publicKey.user.id) },
    excludeCredentials: withIds(publicKey.excludeCredentials),
  } });
  const { response } = credential;
  return answer(credential, {
    clientDataJSON: toText(response.clientDataJSON), attestationObject: toText(response.attestationObject),
    transports: response.getTransports ? response.getTransports() : [],
  });
}

// The passkey's answer to the options of POST /auth/login/mfa/options.
export async function get(publicKey) {
  const credential = await navigator.credentials.get({ publicKey: {
    ...publicKey, challenge: toBytes(publicKey.challenge), allowCredentials: withIds(publicKey.allowCredentials),
  } });
  const { response } = credential;
  return answer(credential, {
    clientDataJSON: toText(response.clientDataJSON), authenticatorData: toText(response.authenticatorData),
    signature: toText(response.signature), userHandle: response.userHandle ? toText(response.userHandle) : null,
  });
}
