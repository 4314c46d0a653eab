// eddsa-jcs-2022 Data Integrity proofs over Ed25519 Multikeys
// (../shared/spec/skills-passport.md, sections 2.1 to 2.3 and 3.2).
#include "passport/data_integrity.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sodium.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "common/file_util.h"
#include "passport/jcs.h"
#include "passport/multibase.h"

namespace lantern::passport {

namespace {

constexpr uint8_t kPublicPrefix[2] = {0xed, 0x01};  // multicodec ed25519-pub
constexpr uint8_t kSecretPrefix[2] = {0x80, 0x26};  // multicodec ed25519-priv
constexpr std::string_view kDidKeyPrefix = "did:key:";
constexpr std::string_view kProofType = "DataIntegrityProof";
constexpr std::string_view kCryptosuite = "eddsa-jcs-2022";
// A multibase key or signature is far shorter than this; longer text is
// refused before the quadratic base58 decoding sees it.
constexpr size_t kMaxMultibaseChars = 256;

// libsodium picks its fastest code and seeds its random source here; it may
// be called any number of times.
void InitSodium() {
  if (sodium_init() < 0) std::abort();  // no usable random source: nothing is safe
}

// "z" + base58btc(prefix || 32 bytes).
std::string EncodeMultikey(const uint8_t (&prefix)[2], const std::array<uint8_t, 32>& key) {
  std::array<uint8_t, 34> bytes;
  bytes[0] = prefix[0];
  bytes[1] = prefix[1];
  std::memcpy(bytes.data() + 2, key.data(), key.size());
  // insert rather than "z" + ...: GCC 12 warns falsely (-Wrestrict) on the latter.
  std::string out = Base58Encode(bytes);
  out.insert(out.begin(), 'z');
  sodium_memzero(bytes.data(), bytes.size());
  return out;
}

// The 32 bytes of "z" + base58btc(prefix || 32 bytes). `what` names the
// kind of key in errors; the text itself is never repeated (it may be a
// secret).
Result<std::array<uint8_t, 32>> DecodeMultikey(std::string_view multibase,
                                               const uint8_t (&prefix)[2], std::string_view what) {
  if (multibase.empty() || multibase[0] != 'z') {
    return Status::InvalidInput(
        fmt::format("{} is not base58btc multibase (no leading 'z')", what));
  }
  if (multibase.size() > kMaxMultibaseChars) {
    return Status::InvalidInput(fmt::format("{} is too long", what));
  }
  auto bytes = Base58Decode(multibase.substr(1));
  if (!bytes) return Status::InvalidInput(fmt::format("{} is not valid base58btc", what));
  std::array<uint8_t, 32> key{};
  bool ok = bytes->size() == 34 && (*bytes)[0] == prefix[0] && (*bytes)[1] == prefix[1];
  if (ok) std::memcpy(key.data(), bytes->data() + 2, key.size());
  sodium_memzero(bytes->data(), bytes->size());
  if (!ok) {
    return Status::InvalidInput(
        fmt::format("{} is not an Ed25519 Multikey (expected the {:02x}{:02x} prefix and 32 bytes)",
                    what, prefix[0], prefix[1]));
  }
  return key;
}

std::array<uint8_t, 32> Sha256(std::string_view bytes) {
  std::array<uint8_t, 32> out;
  crypto_hash_sha256(out.data(), reinterpret_cast<const unsigned char*>(bytes.data()),
                     bytes.size());
  return out;
}

// An XML Schema dateTimeStamp as Data Integrity wants for `created`:
// YYYY-MM-DDThh:mm:ss, optional fractional seconds, and a time zone ("Z"
// or +hh:mm / -hh:mm). Four-digit years only.
bool IsDateTimeStamp(std::string_view s) {
  auto digits = [&](size_t at, size_t n, int* value) {
    if (at + n > s.size()) return false;
    int v = 0;
    for (size_t i = at; i < at + n; ++i) {
      if (s[i] < '0' || s[i] > '9') return false;
      v = v * 10 + (s[i] - '0');
    }
    *value = v;
    return true;
  };
  auto is = [&](size_t at, char c) { return at < s.size() && s[at] == c; };
  int year, month, day, hour, minute, second;
  if (!digits(0, 4, &year) || !is(4, '-') || !digits(5, 2, &month) || !is(7, '-') ||
      !digits(8, 2, &day) || !is(10, 'T') || !digits(11, 2, &hour) || !is(13, ':') ||
      !digits(14, 2, &minute) || !is(16, ':') || !digits(17, 2, &second)) {
    return false;
  }
  static constexpr int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12 || day < 1 || day > kDays[month - 1] || hour > 23 || minute > 59 ||
      second > 59) {
    return false;
  }
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  if (month == 2 && day == 29 && !leap) return false;
  size_t at = 19;
  if (is(at, '.')) {
    size_t start = ++at;
    while (at < s.size() && s[at] >= '0' && s[at] <= '9') ++at;
    if (at == start) return false;
  }
  if (is(at, 'Z')) return at + 1 == s.size();
  int tz_hour, tz_minute;
  if ((is(at, '+') || is(at, '-')) && digits(at + 1, 2, &tz_hour) && is(at + 3, ':') &&
      digits(at + 4, 2, &tz_minute)) {
    return at + 6 == s.size() && tz_hour <= 14 && tz_minute <= 59;
  }
  return false;
}

// A JSON "@context" as a list: JSON-LD allows one value without the array.
nlohmann::json::array_t ContextList(const nlohmann::json& context) {
  if (context.is_array()) return context.get<nlohmann::json::array_t>();
  return nlohmann::json::array_t{context};
}

// The string member `name` of `object`, or empty when absent or not a string.
std::string StringMember(const nlohmann::json& object, const char* name) {
  auto it = object.find(name);
  if (it == object.end() || !it->is_string()) return {};
  return it->get<std::string>();
}

ProofCheck Fail(ProofCheck check, std::string reason) {
  check.verified = false;
  check.reason = std::move(reason);
  return check;
}

// VerifyProof's body; the caller catches anything the JSON library throws.
ProofCheck CheckProof(const nlohmann::json& secured) {
  ProofCheck check;
  if (!secured.is_object()) return Fail(check, "the document is not a JSON object");
  auto proof_it = secured.find("proof");
  if (proof_it == secured.end()) return Fail(check, "the document has no proof");
  if (proof_it->is_array()) {
    return Fail(check, "the document has a set of proofs; only a single proof is supported");
  }
  if (!proof_it->is_object()) return Fail(check, "the document's proof is not a JSON object");
  const nlohmann::json& proof = *proof_it;
  check.verification_method = StringMember(proof, "verificationMethod");
  check.created = StringMember(proof, "created");
  check.proof_purpose = StringMember(proof, "proofPurpose");

  if (StringMember(proof, "type") != kProofType) {
    return Fail(check, fmt::format("the proof's type is not {}", kProofType));
  }
  if (StringMember(proof, "cryptosuite") != kCryptosuite) {
    return Fail(check, fmt::format("the proof's cryptosuite is not {}", kCryptosuite));
  }

  // Step 1: the document without its proof, the proof without its value.
  nlohmann::json unsecured = secured;
  unsecured.erase("proof");
  nlohmann::json options = proof;
  options.erase("proofValue");

  // Step 2: the signature.
  std::string proof_value = StringMember(proof, "proofValue");
  if (proof_value.empty() || proof_value[0] != 'z') {
    return Fail(check, "the proofValue is missing or not base58btc multibase (no leading 'z')");
  }
  if (proof_value.size() > kMaxMultibaseChars) return Fail(check, "the proofValue is too long");
  auto signature = Base58Decode(std::string_view(proof_value).substr(1));
  if (!signature) return Fail(check, "the proofValue is not valid base58btc");
  if (signature->size() != crypto_sign_BYTES) {
    return Fail(check, fmt::format("the proofValue holds {} bytes, not the {} of an Ed25519 "
                                   "signature",
                                   signature->size(), crypto_sign_BYTES));
  }

  // Step 3: the proof binds the context it was made under; the document
  // may add contexts after those, never change or reorder them.
  if (auto context = options.find("@context"); context != options.end()) {
    auto doc_context = unsecured.find("@context");
    if (doc_context == unsecured.end()) {
      return Fail(check, "the proof has an @context but the document has none");
    }
    nlohmann::json::array_t proof_list = ContextList(*context);
    nlohmann::json::array_t doc_list = ContextList(*doc_context);
    if (proof_list.size() > doc_list.size() ||
        !std::equal(proof_list.begin(), proof_list.end(), doc_list.begin())) {
      return Fail(check,
                  "the document's @context does not start with the proof's @context, in the "
                  "same order");
    }
    unsecured["@context"] = *context;
  }

  // Step 4: the key and the hashes.
  auto key = ResolveVerificationMethod(check.verification_method);
  if (!key.ok()) {
    return Fail(check,
                fmt::format("the verification method cannot be used: {}", key.status().message()));
  }
  check.public_key = *key;
  auto hash = HashData(unsecured, options);
  if (!hash.ok()) {
    return Fail(check,
                fmt::format("the document cannot be canonicalized: {}", hash.status().message()));
  }

  // Step 5: the signature over both hashes.
  InitSodium();
  if (crypto_sign_verify_detached(signature->data(), hash->data(), hash->size(),
                                  check.public_key.data()) != 0) {
    return Fail(check,
                "the signature does not match: the document or its proof was changed, or it "
                "was signed with another key");
  }
  check.verified = true;
  check.reason.clear();
  return check;
}

}  // namespace

KeyPair NewKeyPair() {
  InitSodium();
  Seed seed;
  randombytes_buf(seed.data(), seed.size());
  KeyPair pair = KeyPairFromSeed(seed);
  sodium_memzero(seed.data(), seed.size());
  return pair;
}

KeyPair KeyPairFromSeed(const Seed& seed) {
  InitSodium();
  KeyPair pair;
  pair.seed = seed;
  // libsodium's secret key is the seed followed by the public key; only
  // the seed is kept.
  std::array<uint8_t, crypto_sign_SECRETKEYBYTES> secret;
  crypto_sign_seed_keypair(pair.public_key.data(), secret.data(), seed.data());
  sodium_memzero(secret.data(), secret.size());
  return pair;
}

std::string PublicKeyMultibase(const PublicKey& key) { return EncodeMultikey(kPublicPrefix, key); }

std::string SecretKeyMultibase(const Seed& seed) { return EncodeMultikey(kSecretPrefix, seed); }

Result<PublicKey> DecodePublicKeyMultibase(std::string_view multibase) {
  return DecodeMultikey(multibase, kPublicPrefix, "the public key");
}

Result<Seed> DecodeSecretKeyMultibase(std::string_view multibase) {
  return DecodeMultikey(multibase, kSecretPrefix, "the secret key");
}

std::string DidKey(const PublicKey& key) {
  return std::string(kDidKeyPrefix) + PublicKeyMultibase(key);
}

std::string DidKeyVerificationMethod(const PublicKey& key) {
  std::string mb = PublicKeyMultibase(key);
  return fmt::format("{}{}#{}", kDidKeyPrefix, mb, mb);
}

Result<PublicKey> ResolveVerificationMethod(std::string_view method) {
  if (!method.starts_with(kDidKeyPrefix)) {
    return Status::InvalidInput(
        fmt::format("only did:key verification methods can be resolved, not '{}'", method));
  }
  std::string_view rest = method.substr(kDidKeyPrefix.size());
  std::string_view mb = rest.substr(0, rest.find('#'));
  if (mb.size() < rest.size()) {
    // The fragment of a did:key method is the key itself, nothing else.
    std::string_view fragment = rest.substr(mb.size() + 1);
    if (fragment != mb) {
      return Status::InvalidInput(
          fmt::format("the did:key method '{}' has a fragment that is not its key", method));
    }
  }
  return DecodePublicKeyMultibase(mb);
}

Status SaveKeyFile(const std::string& path, const KeyPair& key) {
  nlohmann::json doc = {
      {"type", "Multikey"},
      {"id", DidKeyVerificationMethod(key.public_key)},
      {"controller", DidKey(key.public_key)},
      {"publicKeyMultibase", PublicKeyMultibase(key.public_key)},
      {"secretKeyMultibase", SecretKeyMultibase(key.seed)},
  };
  std::string text = doc.dump(2) + "\n";
  // Wipe the copies of the secret before returning, whatever happens.
  struct Wipe {
    nlohmann::json* doc;
    std::string* text;
    ~Wipe() {
      auto& secret = (*doc)["secretKeyMultibase"].get_ref<std::string&>();
      sodium_memzero(secret.data(), secret.size());
      sodium_memzero(text->data(), text->size());
    }
  } wipe{&doc, &text};

  // O_EXCL: a key file is never written over (an issuer's key lost is every
  // credential it signed unverifiable), and created 0600 from the start
  // rather than chmod-ed after, so it is never readable by others.
  int fd = ::open(path.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST) {
      return Status::InvalidArgument(
          fmt::format("{} already exists; a key file is never overwritten", path));
    }
    return Status::IoError(fmt::format("cannot create {}: {}", path, std::strerror(errno)));
  }
  size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    done += static_cast<size_t>(n);
  }
  bool ok = done == text.size() && ::fsync(fd) == 0;
  int saved_errno = errno;
  ok = ::close(fd) == 0 && ok;
  if (!ok) {
    ::unlink(path.c_str());  // a half-written key file would only mislead
    return Status::IoError(fmt::format("cannot write {}: {}", path, std::strerror(saved_errno)));
  }
  return Status::Ok();
}

Result<KeyPair> LoadKeyFile(const std::string& path) {
  LANTERN_ASSIGN_OR_RETURN(std::string text, ReadFileToString(path));
  auto parsed = ParseJson(text);
  sodium_memzero(text.data(), text.size());
  // The parser's message may quote the text near the error, which can be
  // the secret: say only that the file is not JSON.
  if (!parsed.ok()) return Status::InvalidInput(fmt::format("{} is not a JSON key file", path));
  nlohmann::json& doc = *parsed;
  if (!doc.is_object() || StringMember(doc, "type") != "Multikey") {
    return Status::InvalidInput(fmt::format("{} is not a Multikey key file", path));
  }
  auto public_key = DecodePublicKeyMultibase(StringMember(doc, "publicKeyMultibase"));
  if (!public_key.ok()) {
    return Status::InvalidInput(fmt::format("{}: {}", path, public_key.status().message()));
  }
  std::string secret = StringMember(doc, "secretKeyMultibase");
  auto seed = DecodeSecretKeyMultibase(secret);
  sodium_memzero(secret.data(), secret.size());
  if (doc.contains("secretKeyMultibase") && doc["secretKeyMultibase"].is_string()) {
    auto& stored = doc["secretKeyMultibase"].get_ref<std::string&>();
    sodium_memzero(stored.data(), stored.size());
  }
  if (!seed.ok()) return Status::InvalidInput(fmt::format("{}: {}", path, seed.status().message()));
  KeyPair pair = KeyPairFromSeed(*seed);
  sodium_memzero(seed->data(), seed->size());
  if (pair.public_key != *public_key) {
    return Status::InvalidInput(
        fmt::format("{}: the public key is not the one of the secret key", path));
  }
  // id and controller are written by SaveKeyFile; when present they must
  // name this key, or the file was edited by hand.
  for (const auto& [name, expected] :
       {std::pair<const char*, std::string>{"id", DidKeyVerificationMethod(pair.public_key)},
        {"controller", DidKey(pair.public_key)}}) {
    if (doc.contains(name) && StringMember(doc, name) != expected) {
      return Status::InvalidInput(fmt::format("{}: its {} is not {}", path, name, expected));
    }
  }
  return pair;
}

Result<nlohmann::json> AddProof(const nlohmann::json& document, const KeyPair& key,
                                const ProofOptions& options) {
  if (!document.is_object()) return Status::InvalidInput("only a JSON object can be signed");
  if (document.contains("proof")) {
    return Status::InvalidInput("the document already has a proof");
  }
  if (!IsDateTimeStamp(options.created)) {
    return Status::InvalidInput(
        fmt::format("the proof's created time '{}' is not an XML Schema dateTimeStamp such as "
                    "2023-02-24T23:36:38Z",
                    options.created));
  }
  if (options.proof_purpose.empty()) return Status::InvalidInput("the proof has no purpose");
  std::string method = options.verification_method.empty()
                           ? DidKeyVerificationMethod(key.public_key)
                           : options.verification_method;
  // A did:key names its key: one naming another key would never verify.
  if (method.starts_with(kDidKeyPrefix)) {
    LANTERN_ASSIGN_OR_RETURN(PublicKey named, ResolveVerificationMethod(method));
    if (named != key.public_key) {
      return Status::InvalidInput(
          fmt::format("the verification method {} is not the signing key", method));
    }
  }

  // Steps 1 and 2: the proof options, with the document's @context.
  nlohmann::json proof = {
      {"type", kProofType},
      {"cryptosuite", kCryptosuite},
      {"created", options.created},
      {"verificationMethod", method},
      {"proofPurpose", options.proof_purpose},
  };
  if (auto context = document.find("@context"); context != document.end()) {
    proof["@context"] = *context;
  }
  // Steps 3 to 5: both canonical forms hashed, the proof config first.
  LANTERN_ASSIGN_OR_RETURN(auto hash, HashData(document, proof));
  // Step 6: pure Ed25519 over the 64 bytes themselves.
  InitSodium();
  std::array<uint8_t, crypto_sign_SECRETKEYBYTES> secret;
  PublicKey public_key;
  crypto_sign_seed_keypair(public_key.data(), secret.data(), key.seed.data());
  if (public_key != key.public_key) {
    sodium_memzero(secret.data(), secret.size());
    return Status::InvalidArgument("the key pair's public key is not the one of its seed");
  }
  std::array<uint8_t, crypto_sign_BYTES> signature;
  crypto_sign_detached(signature.data(), nullptr, hash.data(), hash.size(), secret.data());
  sodium_memzero(secret.data(), secret.size());
  // Step 7.
  std::string proof_value = Base58Encode(signature);
  proof_value.insert(proof_value.begin(), 'z');
  proof["proofValue"] = std::move(proof_value);
  nlohmann::json secured = document;
  secured["proof"] = std::move(proof);
  return secured;
}

ProofCheck VerifyProof(const nlohmann::json& secured) {
  try {
    return CheckProof(secured);
  } catch (const std::exception& e) {
    ProofCheck check;
    check.reason = fmt::format("the document could not be read: {}", e.what());
    return check;
  }
}

Result<std::array<uint8_t, 64>> HashData(const nlohmann::json& document,
                                         const nlohmann::json& proof_config) {
  if (!proof_config.is_object() || StringMember(proof_config, "type") != kProofType ||
      StringMember(proof_config, "cryptosuite") != kCryptosuite) {
    return Status::InvalidInput(
        fmt::format("the proof config is not a {} with cryptosuite {}", kProofType, kCryptosuite));
  }
  LANTERN_ASSIGN_OR_RETURN(std::string canonical_config, Canonicalize(proof_config));
  LANTERN_ASSIGN_OR_RETURN(std::string canonical_document, Canonicalize(document));
  InitSodium();
  std::array<uint8_t, 64> out;
  auto config_hash = Sha256(canonical_config);
  auto document_hash = Sha256(canonical_document);
  std::memcpy(out.data(), config_hash.data(), 32);
  std::memcpy(out.data() + 32, document_hash.data(), 32);
  return out;
}

}  // namespace lantern::passport
