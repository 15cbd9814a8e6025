#include "policy/signing.hpp"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <algorithm>
#include <array>
#include <memory>
#include <stdexcept>

namespace hookd::policy {
namespace {

constexpr std::string_view secret_prefix = "whsec_";

struct mac_deleter {
  void operator()(EVP_MAC* m) const { EVP_MAC_free(m); }
  void operator()(EVP_MAC_CTX* c) const { EVP_MAC_CTX_free(c); }
};

/// The HMAC algorithm, fetched once per thread (fetching costs more than the MAC itself).
EVP_MAC* hmac_algorithm() {
  thread_local std::unique_ptr<EVP_MAC, mac_deleter> mac{EVP_MAC_fetch(nullptr, "HMAC", nullptr)};
  if (!mac)
    throw std::runtime_error("OpenSSL: HMAC unavailable");
  return mac.get();
}

} // namespace

std::string base64_encode(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3), '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(bytes.data()),
                                static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

std::optional<std::string> base64_decode(std::string_view text) {
  if (text.size() % 4 != 0)
    return std::nullopt;
  std::string out(3 * text.size() / 4, '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(text.data()),
                                static_cast<int>(text.size()));
  if (n < 0)
    return std::nullopt;
  // EVP_DecodeBlock counts padding as zero bytes; drop them.
  std::size_t size = static_cast<std::size_t>(n);
  if (!text.empty() && text.back() == '=')
    --size;
  if (text.size() > 1 && text[text.size() - 2] == '=')
    --size;
  out.resize(size);
  return out;
}

std::string hmac_sha256(std::string_view key, std::span<const std::string_view> parts) {
  std::unique_ptr<EVP_MAC_CTX, mac_deleter> ctx{EVP_MAC_CTX_new(hmac_algorithm())};
  char digest_name[] = "SHA256";
  const std::array<OSSL_PARAM, 2> params{
      OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest_name, 0),
      OSSL_PARAM_construct_end()};
  if (!ctx || !EVP_MAC_init(ctx.get(), reinterpret_cast<const unsigned char*>(key.data()),
                            key.size(), params.data()))
    throw std::runtime_error("OpenSSL: HMAC init failed");
  for (auto part : parts)
    EVP_MAC_update(ctx.get(), reinterpret_cast<const unsigned char*>(part.data()), part.size());
  std::string out(32, '\0');
  std::size_t len = 0;
  EVP_MAC_final(ctx.get(), reinterpret_cast<unsigned char*>(out.data()), &len, out.size());
  out.resize(len);
  return out;
}

std::string sha256(std::span<const std::string_view> parts) {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx{EVP_MD_CTX_new(), EVP_MD_CTX_free};
  if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1)
    throw std::runtime_error("OpenSSL: SHA-256 init failed");
  for (auto part : parts)
    EVP_DigestUpdate(ctx.get(), part.data(), part.size());
  std::string out(EVP_MAX_MD_SIZE, '\0');
  unsigned int len = 0;
  EVP_DigestFinal_ex(ctx.get(), reinterpret_cast<unsigned char*>(out.data()), &len);
  out.resize(len);
  return out;
}

std::string to_hex(std::string_view bytes) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char b : bytes) {
    out += digits[b >> 4];
    out += digits[b & 15];
  }
  return out;
}

std::string generate_secret(std::size_t bytes) {
  bytes = std::clamp<std::size_t>(bytes, 24, 64);
  std::string key(bytes, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(key.data()), static_cast<int>(bytes)) != 1)
    throw std::runtime_error("OpenSSL: RAND_bytes failed");
  return std::string{secret_prefix} + base64_encode(key);
}

std::string secret_key(std::string_view secret) {
  if (secret.starts_with(secret_prefix))
    if (auto key = base64_decode(secret.substr(secret_prefix.size())))
      return *key;
  return std::string{secret};
}

std::string standard_signature(std::string_view secret, std::string_view msg_id,
                               std::int64_t unix_seconds, std::string_view body) {
  const std::string ts = std::to_string(unix_seconds);
  const std::array<std::string_view, 5> parts{msg_id, ".", ts, ".", body};
  return "v1," + base64_encode(hmac_sha256(secret_key(secret), parts));
}

header_list signature_headers(signature_scheme scheme, std::span<const std::string> secrets,
                              std::string_view msg_id, std::int64_t unix_seconds,
                              std::string_view body) {
  std::string joined;
  for (const auto& secret : secrets) {
    if (secret.empty())
      continue;
    std::string sig;
    if (scheme == signature_scheme::standard) {
      sig = standard_signature(secret, msg_id, unix_seconds, body);
    } else {
      const std::array<std::string_view, 1> parts{body};
      sig = "sha256=" + base64_encode(hmac_sha256(secret, parts));
    }
    if (!joined.empty())
      joined += ' ';
    joined += sig;
  }
  header_list headers;
  if (scheme == signature_scheme::standard) {
    headers.emplace_back("webhook-id", std::string{msg_id});
    headers.emplace_back("webhook-timestamp", std::to_string(unix_seconds));
  }
  if (joined.empty()) // no secret: unsigned (e.g. alerts without alerts.alert_secret)
    return headers;
  headers.emplace_back(scheme == signature_scheme::typeform ? "Typeform-Signature" : "webhook-signature",
                       std::move(joined));
  return headers;
}

void add_svix_headers(header_list& headers) {
  const auto n = headers.size();
  for (std::size_t i = 0; i < n; ++i) {
    const auto& name = headers[i].first;
    if (name.rfind("webhook-", 0) == 0)
      headers.emplace_back("svix-" + name.substr(8), headers[i].second);
  }
}

} // namespace hookd::policy
