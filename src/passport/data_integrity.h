// Ed25519 keys as Multikeys and did:key identifiers, and W3C Data Integrity
// proofs under the eddsa-jcs-2022 cryptosuite: how a passport credential is
// signed and checked (../shared/spec/skills-passport.md, section 2; the
// test vectors of its Appendix A are the tests). libsodium does the
// Ed25519 and SHA-256.
#ifndef LANTERN_PASSPORT_DATA_INTEGRITY_H_
#define LANTERN_PASSPORT_DATA_INTEGRITY_H_

#include <array>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "lantern/status.h"

namespace lantern::passport {

using PublicKey = std::array<uint8_t, 32>;
using Seed = std::array<uint8_t, 32>;  // the Ed25519 secret key (RFC 8032)

struct KeyPair {
  Seed seed{};
  PublicKey public_key{};
};

// A new key pair from the system's random source.
KeyPair NewKeyPair();
// The key pair of a seed (deterministic).
KeyPair KeyPairFromSeed(const Seed& seed);

// "z" + base58btc(0xed 0x01 || key): starts "z6Mk".
std::string PublicKeyMultibase(const PublicKey& key);
// "z" + base58btc(0x80 0x26 || seed).
std::string SecretKeyMultibase(const Seed& seed);
// The key of a Multikey; InvalidInput when it is not "z" + base58btc of
// the ed01 prefix and 32 bytes (any other prefix is refused).
Result<PublicKey> DecodePublicKeyMultibase(std::string_view multibase);
Result<Seed> DecodeSecretKeyMultibase(std::string_view multibase);
// "did:key:" + the public Multikey.
std::string DidKey(const PublicKey& key);
// The verification method of a did:key: "did:key:<mb>#<mb>".
std::string DidKeyVerificationMethod(const PublicKey& key);
// The key a verification method names: a did:key method (with or without
// its fragment) only; InvalidInput for anything else.
Result<PublicKey> ResolveVerificationMethod(std::string_view method);

// A key file: JSON {"type": "Multikey", "id": <method>, "controller":
// <did>, "publicKeyMultibase": ..., "secretKeyMultibase": ...}, written
// readable by its owner only (0600), never over an existing file.
Status SaveKeyFile(const std::string& path, const KeyPair& key);
Result<KeyPair> LoadKeyFile(const std::string& path);

struct ProofOptions {
  std::string created;              // XML Schema dateTime, "2023-02-24T23:36:38Z"
  std::string verification_method;  // empty: the key's did:key method
  std::string proof_purpose = "assertionMethod";
};

// The document with a DataIntegrityProof (eddsa-jcs-2022) attached as
// `proof`, its "@context" copied from the document's, as the spec's
// section 2.2 says: proofValue = "z" + base58btc(Ed25519(SHA-256(JCS(proof
// config)) || SHA-256(JCS(document without proof)))). A document that
// already has a proof, is not an object, or does not canonicalize is an
// error.
Result<nlohmann::json> AddProof(const nlohmann::json& document, const KeyPair& key,
                                const ProofOptions& options);

// What checking a proof found.
struct ProofCheck {
  bool verified = false;
  std::string reason;               // why not, in words; empty when verified
  std::string verification_method;  // as the proof names it
  PublicKey public_key{};           // the key it resolved to (when it did)
  std::string created, proof_purpose;
};

// Checks the document's `proof` (one object) as the spec's section 2.3
// says: type DataIntegrityProof, cryptosuite eddsa-jcs-2022, the proof's
// "@context" a prefix of the document's, proofValue "z" + base58btc of 64
// bytes, a did:key verification method, and the Ed25519 signature over the
// two hashes. Never throws; any failure is verified = false with a reason.
ProofCheck VerifyProof(const nlohmann::json& secured);

// The 64 bytes signed: SHA-256(JCS(proof_config)) || SHA-256(JCS(document)),
// the proof config's hash first (for tests and for the verifier).
Result<std::array<uint8_t, 64>> HashData(const nlohmann::json& document,
                                         const nlohmann::json& proof_config);

}  // namespace lantern::passport

#endif  // LANTERN_PASSPORT_DATA_INTEGRITY_H_
