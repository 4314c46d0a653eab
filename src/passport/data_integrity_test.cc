// eddsa-jcs-2022 against the official vectors of the spec's Appendix A
// (w3c/vc-di-eddsa TestVectors, commit abb673eb), the failures Appendix B
// asks for, and the key file.
#include "passport/data_integrity.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sodium.h>
#include <sys/stat.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "passport/jcs.h"
#include "passport/multibase.h"
#include "tests/scratch_dir.h"

namespace lantern::passport {
namespace {

constexpr const char* kSeedHex = "c96ef9ea10c5e414c471723aff9de72c35fa5b70fae97e8832ecac7d2e2b8ed6";
constexpr const char* kPublicKeyHex =
    "b00d8d938e7f773d51565aad36a623f5344f7f5d1960f9cf3e8e12620ea2810f";
constexpr const char* kPublicMultibase = "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2";
constexpr const char* kSecretMultibase = "z3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq";
constexpr const char* kMethod =
    "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"
    "#z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2";

// TestVectors/unsigned.json.
constexpr const char* kUnsigned = R"json({
    "@context": [
        "https://www.w3.org/ns/credentials/v2",
        "https://www.w3.org/ns/credentials/examples/v2"
    ],
    "id": "urn:uuid:58172aac-d8ba-11ed-83dd-0b3aef56cc33",
    "type": ["VerifiableCredential", "AlumniCredential"],
    "name": "Alumni Credential",
    "description": "A minimum viable example of an Alumni Credential.",
    "issuer": "https://vc.example/issuers/5678",
    "validFrom": "2023-01-01T00:00:00Z",
    "credentialSubject": {
        "id": "did:example:abcdefgh",
        "alumniOf": "The School of Examples"
    }
})json";

// TestVectors/eddsa-jcs-2022/proofConfigJCS.json.
constexpr const char* kProofConfig = R"json({
  "type": "DataIntegrityProof",
  "cryptosuite": "eddsa-jcs-2022",
  "created": "2023-02-24T23:36:38Z",
  "verificationMethod": "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2#z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2",
  "proofPurpose": "assertionMethod",
  "@context": [
    "https://www.w3.org/ns/credentials/v2",
    "https://www.w3.org/ns/credentials/examples/v2"
  ]
})json";

// TestVectors/eddsa-jcs-2022/canonDocJCS.txt and proofCanonJCS.txt (no
// trailing newline).
constexpr const char* kCanonDoc =
    R"({"@context":["https://www.w3.org/ns/credentials/v2","https://www.w3.org/ns/credentials/examples/v2"],"credentialSubject":{"alumniOf":"The School of Examples","id":"did:example:abcdefgh"},"description":"A minimum viable example of an Alumni Credential.","id":"urn:uuid:58172aac-d8ba-11ed-83dd-0b3aef56cc33","issuer":"https://vc.example/issuers/5678","name":"Alumni Credential","type":["VerifiableCredential","AlumniCredential"],"validFrom":"2023-01-01T00:00:00Z"})";
constexpr const char* kCanonProof =
    R"({"@context":["https://www.w3.org/ns/credentials/v2","https://www.w3.org/ns/credentials/examples/v2"],"created":"2023-02-24T23:36:38Z","cryptosuite":"eddsa-jcs-2022","proofPurpose":"assertionMethod","type":"DataIntegrityProof","verificationMethod":"did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2#z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"})";
constexpr const char* kDocHash = "59b7cb6251b8991add1ce0bc83107e3db9dbbab5bd2c28f687db1a03abc92f19";
constexpr const char* kProofHash =
    "66ab154f5c2890a140cb8388a22a160454f80575f6eae09e5a097cabe539a1db";
constexpr const char* kSigHex =
    "407cd12654b33d718ecbb99179a1506daaa849450bf3fc523cce3e1c96f8b80351da3f253d725c6f00b07c9e5448d5"
    "0"
    "b3ef78012b9ab54255116d069c6dd2808";
constexpr const char* kProofValue =
    "z2HnFSSPPBzR36zdDgK8PbEHeXbR56YF24jwMpt3R1eHXQzJDMWS93FCzpvJpwTWd3GAVFuUfjoJdcnTMuVor51aX";

// TestVectors/eddsa-jcs-2022/signedJCS.json.
constexpr const char* kSigned = R"json({
  "@context": [
    "https://www.w3.org/ns/credentials/v2",
    "https://www.w3.org/ns/credentials/examples/v2"
  ],
  "id": "urn:uuid:58172aac-d8ba-11ed-83dd-0b3aef56cc33",
  "type": [
    "VerifiableCredential",
    "AlumniCredential"
  ],
  "name": "Alumni Credential",
  "description": "A minimum viable example of an Alumni Credential.",
  "issuer": "https://vc.example/issuers/5678",
  "validFrom": "2023-01-01T00:00:00Z",
  "credentialSubject": {
    "id": "did:example:abcdefgh",
    "alumniOf": "The School of Examples"
  },
  "proof": {
    "type": "DataIntegrityProof",
    "cryptosuite": "eddsa-jcs-2022",
    "created": "2023-02-24T23:36:38Z",
    "verificationMethod": "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2#z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2",
    "proofPurpose": "assertionMethod",
    "@context": [
      "https://www.w3.org/ns/credentials/v2",
      "https://www.w3.org/ns/credentials/examples/v2"
    ],
    "proofValue": "z2HnFSSPPBzR36zdDgK8PbEHeXbR56YF24jwMpt3R1eHXQzJDMWS93FCzpvJpwTWd3GAVFuUfjoJdcnTMuVor51aX"
  }
})json";

std::string Hex(std::span<const uint8_t> bytes) {
  std::string out;
  for (uint8_t b : bytes) out += fmt::format("{:02x}", b);
  return out;
}

template <size_t N>
std::array<uint8_t, N> FromHex(std::string_view hex) {
  std::array<uint8_t, N> out{};
  EXPECT_EQ(hex.size(), 2 * N);
  for (size_t i = 0; i < N && 2 * i + 1 < hex.size(); ++i) {
    out[i] = static_cast<uint8_t>(std::stoi(std::string(hex.substr(2 * i, 2)), nullptr, 16));
  }
  return out;
}

nlohmann::json Parse(const char* text) {
  auto r = ParseJson(text);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : nlohmann::json();
}

KeyPair VectorKey() { return KeyPairFromSeed(FromHex<32>(kSeedHex)); }

TEST(DataIntegrityTest, AppendixAKeys) {
  KeyPair key = VectorKey();
  EXPECT_EQ(Hex(key.public_key), kPublicKeyHex);
  EXPECT_EQ(PublicKeyMultibase(key.public_key), kPublicMultibase);
  EXPECT_EQ(SecretKeyMultibase(key.seed), kSecretMultibase);
  auto pub = DecodePublicKeyMultibase(kPublicMultibase);
  ASSERT_TRUE(pub.ok());
  EXPECT_EQ(*pub, key.public_key);
  auto seed = DecodeSecretKeyMultibase(kSecretMultibase);
  ASSERT_TRUE(seed.ok());
  EXPECT_EQ(*seed, key.seed);
  EXPECT_EQ(DidKey(key.public_key), std::string("did:key:") + kPublicMultibase);
  EXPECT_EQ(DidKeyVerificationMethod(key.public_key), kMethod);
}

TEST(DataIntegrityTest, AppendixACanonicalFormsHashesAndSignature) {
  nlohmann::json document = Parse(kUnsigned);
  nlohmann::json config = Parse(kProofConfig);
  auto canon_doc = Canonicalize(document);
  auto canon_proof = Canonicalize(config);
  ASSERT_TRUE(canon_doc.ok() && canon_proof.ok());
  EXPECT_EQ(*canon_doc, kCanonDoc);
  EXPECT_EQ(*canon_proof, kCanonProof);

  auto hash = HashData(document, config);
  ASSERT_TRUE(hash.ok()) << hash.status().ToString();
  EXPECT_EQ(Hex(std::span(*hash).first(32)), kProofHash);
  EXPECT_EQ(Hex(std::span(*hash).last(32)), kDocHash);
  EXPECT_EQ(Hex(*hash), std::string(kProofHash) + kDocHash);  // combinedHashJCS.txt

  // Ed25519 is deterministic: the same key and message give the vector's
  // signature.
  KeyPair key = VectorKey();
  std::array<uint8_t, crypto_sign_SECRETKEYBYTES> sk;
  std::array<uint8_t, crypto_sign_PUBLICKEYBYTES> pk;
  crypto_sign_seed_keypair(pk.data(), sk.data(), key.seed.data());
  std::array<uint8_t, crypto_sign_BYTES> sig;
  crypto_sign_detached(sig.data(), nullptr, hash->data(), hash->size(), sk.data());
  EXPECT_EQ(Hex(sig), kSigHex);
  EXPECT_EQ("z" + Base58Encode(sig), kProofValue);
}

TEST(DataIntegrityTest, AddProofReproducesSignedJcs) {
  ProofOptions options;
  options.created = "2023-02-24T23:36:38Z";
  auto secured = AddProof(Parse(kUnsigned), VectorKey(), options);
  ASSERT_TRUE(secured.ok()) << secured.status().ToString();
  nlohmann::json expected = Parse(kSigned);
  EXPECT_EQ((*secured)["proof"], expected["proof"]);
  EXPECT_EQ(*secured, expected);
  EXPECT_EQ((*secured)["proof"]["proofValue"], kProofValue);
}

TEST(DataIntegrityTest, AddProofWithoutContextAddsNone) {
  ProofOptions options;
  options.created = "2024-05-01T10:00:00.5+01:00";
  KeyPair key = NewKeyPair();
  auto secured = AddProof(nlohmann::json{{"a", 1}}, key, options);
  ASSERT_TRUE(secured.ok()) << secured.status().ToString();
  EXPECT_FALSE((*secured)["proof"].contains("@context"));
  ProofCheck check = VerifyProof(*secured);
  EXPECT_TRUE(check.verified) << check.reason;
  EXPECT_EQ(check.public_key, key.public_key);
}

TEST(DataIntegrityTest, AddProofRefusesBadInput) {
  ProofOptions options;
  options.created = "2023-02-24T23:36:38Z";
  KeyPair key = VectorKey();
  EXPECT_FALSE(AddProof(nlohmann::json::array({1}), key, options).ok());
  EXPECT_FALSE(AddProof(Parse(kSigned), key, options).ok());  // already has a proof
  EXPECT_FALSE(AddProof(nlohmann::json{{"n", uint64_t{1} << 60}}, key, options).ok());
  for (const char* created :
       {"", "2023-02-24", "2023-02-24T23:36:38", "2023-02-30T00:00:00Z", "2023-13-01T00:00:00Z",
        "2023-02-24 23:36:38Z", "2023-02-24T23:36:38Zjunk", "2023-02-24T24:00:00Z"}) {
    options.created = created;
    EXPECT_FALSE(AddProof(Parse(kUnsigned), key, options).ok()) << created;
  }
  options.created = "2023-02-24T23:36:38Z";
  options.verification_method = DidKeyVerificationMethod(NewKeyPair().public_key);
  EXPECT_FALSE(AddProof(Parse(kUnsigned), key, options).ok());  // names another key
}

TEST(DataIntegrityTest, VerifiesSignedJcs) {
  ProofCheck check = VerifyProof(Parse(kSigned));
  EXPECT_TRUE(check.verified) << check.reason;
  EXPECT_TRUE(check.reason.empty());
  EXPECT_EQ(check.verification_method, kMethod);
  EXPECT_EQ(Hex(check.public_key), kPublicKeyHex);
  EXPECT_EQ(check.created, "2023-02-24T23:36:38Z");
  EXPECT_EQ(check.proof_purpose, "assertionMethod");
}

// Appendix B item 2, and a few more ways a proof can be wrong.
TEST(DataIntegrityTest, TamperedDocumentsFail) {
  auto expect_fails = [](const nlohmann::json& doc, const char* what) {
    ProofCheck check = VerifyProof(doc);
    EXPECT_FALSE(check.verified) << what;
    EXPECT_FALSE(check.reason.empty()) << what;
  };
  const nlohmann::json signed_doc = Parse(kSigned);

  {  // one byte of the signature flipped
    auto sig = Base58Decode(std::string(kProofValue).substr(1));
    ASSERT_TRUE(sig.has_value());
    (*sig)[10] ^= 0x01;
    nlohmann::json doc = signed_doc;
    doc["proof"]["proofValue"] = "z" + Base58Encode(*sig);
    expect_fails(doc, "flipped signature byte");
  }
  {
    nlohmann::json doc = signed_doc;
    doc["validFrom"] = "2023-01-02T00:00:00Z";
    expect_fails(doc, "validFrom changed");
  }
  {
    nlohmann::json doc = signed_doc;
    std::swap(doc["@context"][0], doc["@context"][1]);
    ProofCheck check = VerifyProof(doc);
    EXPECT_FALSE(check.verified);
    EXPECT_NE(check.reason.find("@context"), std::string::npos) << check.reason;
  }
  {
    nlohmann::json doc = signed_doc;
    doc["proof"]["cryptosuite"] = "eddsa-rdfc-2022";
    ProofCheck check = VerifyProof(doc);
    EXPECT_FALSE(check.verified);
    EXPECT_NE(check.reason.find("cryptosuite"), std::string::npos) << check.reason;
  }
  {  // the same 32 bytes under another Multikey prefix (e701, secp256k1-pub)
    std::vector<uint8_t> bytes = {0xe7, 0x01};
    auto key = FromHex<32>(kPublicKeyHex);
    bytes.insert(bytes.end(), key.begin(), key.end());
    std::string mb = "z" + Base58Encode(bytes);
    EXPECT_FALSE(DecodePublicKeyMultibase(mb).ok());
    nlohmann::json doc = signed_doc;
    doc["proof"]["verificationMethod"] = "did:key:" + mb + "#" + mb;
    ProofCheck check = VerifyProof(doc);
    EXPECT_FALSE(check.verified);
    EXPECT_NE(check.reason.find("Multikey"), std::string::npos) << check.reason;
  }
  {
    nlohmann::json doc = signed_doc;
    doc["proof"]["proofValue"] = std::string(kProofValue).substr(0, 40);
    expect_fails(doc, "short proofValue");
  }
  {
    nlohmann::json doc = signed_doc;
    doc["proof"]["proofValue"] = std::string("u") + (kProofValue + 1);
    expect_fails(doc, "proofValue without z");
  }
  {
    nlohmann::json doc = signed_doc;
    doc["proof"]["type"] = "Ed25519Signature2020";
    expect_fails(doc, "type");
  }
  {
    nlohmann::json doc = signed_doc;
    doc["proof"]["created"] = "2023-02-24T23:36:39Z";
    expect_fails(doc, "created changed (the proof config is signed)");
  }
  {
    nlohmann::json doc = signed_doc;
    doc["proof"]["verificationMethod"] = DidKeyVerificationMethod(NewKeyPair().public_key);
    expect_fails(doc, "another key");
  }
  {
    nlohmann::json doc = signed_doc;
    doc["proof"]["verificationMethod"] = "https://vc.example/issuers/5678#key-1";
    expect_fails(doc, "not a did:key");
  }
  {
    nlohmann::json doc = signed_doc;
    doc.erase("@context");
    expect_fails(doc, "document without @context");
  }
  {
    nlohmann::json doc = signed_doc;
    doc["proof"] = nlohmann::json::array({doc["proof"]});
    expect_fails(doc, "proof set");
  }
  {
    nlohmann::json doc = signed_doc;
    doc["credentialSubject"]["score"] = uint64_t{1} << 60;
    expect_fails(doc, "does not canonicalize");
  }
  expect_fails(Parse(kUnsigned), "no proof");
  expect_fails(nlohmann::json("text"), "not an object");
}

// The document may list more contexts after the proof's: the signature
// covers only the proof's list (the spec's section 2.3 step 3).
TEST(DataIntegrityTest, ExtraContextAfterTheProofsStillVerifies) {
  nlohmann::json doc = Parse(kSigned);
  doc["@context"].push_back("https://example.org/extra/v1");
  ProofCheck check = VerifyProof(doc);
  EXPECT_TRUE(check.verified) << check.reason;
}

TEST(DataIntegrityTest, ResolveVerificationMethod) {
  auto key = FromHex<32>(kPublicKeyHex);
  auto with_fragment = ResolveVerificationMethod(kMethod);
  ASSERT_TRUE(with_fragment.ok());
  EXPECT_EQ(*with_fragment, key);
  auto bare = ResolveVerificationMethod(std::string("did:key:") + kPublicMultibase);
  ASSERT_TRUE(bare.ok());
  EXPECT_EQ(*bare, key);
  const std::string other = PublicKeyMultibase(NewKeyPair().public_key);
  for (const std::string& method :
       {std::string("did:key:") + kPublicMultibase + "#" + other,
        std::string("did:key:") + kPublicMultibase + "#", std::string("did:web:example.org"),
        std::string("did:key:"), std::string("did:key:") + kSecretMultibase,
        std::string(kPublicMultibase)}) {
    EXPECT_FALSE(ResolveVerificationMethod(method).ok()) << method;
  }
}

TEST(DataIntegrityTest, NewKeyPairsDifferAndSignTheirOwnProofs) {
  KeyPair a = NewKeyPair(), b = NewKeyPair();
  EXPECT_NE(a.seed, b.seed);
  EXPECT_EQ(KeyPairFromSeed(a.seed).public_key, a.public_key);
  ProofOptions options;
  options.created = "2026-11-01T09:00:00Z";
  auto secured = AddProof(Parse(kUnsigned), a, options);
  ASSERT_TRUE(secured.ok());
  ProofCheck check = VerifyProof(*secured);
  EXPECT_TRUE(check.verified) << check.reason;
  EXPECT_EQ(check.public_key, a.public_key);
  EXPECT_EQ(check.verification_method, DidKeyVerificationMethod(a.public_key));
}

class DataIntegrityKeyFileTest : public testing::ScratchDirTest {
 protected:
  DataIntegrityKeyFileTest() : ScratchDirTest("lantern_passport_keys") {}
};

TEST_F(DataIntegrityKeyFileTest, SaveLoadRoundTrip) {
  std::string path = dir_ + "/issuer.key.json";
  KeyPair key = VectorKey();
  ASSERT_TRUE(SaveKeyFile(path, key).ok());
  struct stat st;
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);

  auto loaded = LoadKeyFile(path);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ(loaded->seed, key.seed);
  EXPECT_EQ(loaded->public_key, key.public_key);

  std::ifstream in(path);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto doc = ParseJson(text);
  ASSERT_TRUE(doc.ok());
  EXPECT_EQ((*doc)["type"], "Multikey");
  EXPECT_EQ((*doc)["id"], kMethod);
  EXPECT_EQ((*doc)["controller"], std::string("did:key:") + kPublicMultibase);
  EXPECT_EQ((*doc)["publicKeyMultibase"], kPublicMultibase);
  EXPECT_EQ((*doc)["secretKeyMultibase"], kSecretMultibase);
}

TEST_F(DataIntegrityKeyFileTest, RefusesToOverwrite) {
  std::string path = dir_ + "/issuer.key.json";
  KeyPair first = NewKeyPair();
  ASSERT_TRUE(SaveKeyFile(path, first).ok());
  Status st = SaveKeyFile(path, NewKeyPair());
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find(path), std::string::npos) << st.message();
  auto loaded = LoadKeyFile(path);
  ASSERT_TRUE(loaded.ok());
  EXPECT_EQ(loaded->seed, first.seed);  // the first key is still there
}

TEST_F(DataIntegrityKeyFileTest, LoadRefusesMismatchedOrDamagedFiles) {
  auto write = [&](const std::string& name, const std::string& text) {
    std::string path = dir_ + "/" + name;
    std::ofstream(path) << text;
    return path;
  };
  nlohmann::json doc = {{"type", "Multikey"},
                        {"publicKeyMultibase", PublicKeyMultibase(NewKeyPair().public_key)},
                        {"secretKeyMultibase", kSecretMultibase}};
  EXPECT_FALSE(LoadKeyFile(write("mismatch.json", doc.dump())).ok());
  doc["publicKeyMultibase"] = kPublicMultibase;
  EXPECT_TRUE(LoadKeyFile(write("good.json", doc.dump())).ok());
  doc["type"] = "JsonWebKey";
  EXPECT_FALSE(LoadKeyFile(write("type.json", doc.dump())).ok());
  doc["type"] = "Multikey";
  doc["secretKeyMultibase"] = kPublicMultibase;  // a key with the public prefix
  EXPECT_FALSE(LoadKeyFile(write("prefix.json", doc.dump())).ok());

  // A parse error must not echo the secret back.
  std::string broken = std::string("{\"secretKeyMultibase\": \"") + kSecretMultibase + "\" 1}";
  auto r = LoadKeyFile(write("broken.json", broken));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message().find(kSecretMultibase + 1), std::string::npos);
  EXPECT_EQ(r.status().message().find("3u2en7"), std::string::npos);
  EXPECT_FALSE(LoadKeyFile(dir_ + "/missing.json").ok());
}

}  // namespace
}  // namespace lantern::passport
