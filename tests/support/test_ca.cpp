#include "tests/support/test_ca.hpp"

#include <arpa/inet.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <array>
#include <cstdint>
#include <stdexcept>
#include <utility>

namespace hookd::testing {

namespace {

struct pkey_free {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct x509_free {
  void operator()(X509* p) const { X509_free(p); }
};
struct bio_free {
  void operator()(BIO* p) const { BIO_free_all(p); }
};
using pkey_ptr = std::unique_ptr<EVP_PKEY, pkey_free>;
using x509_ptr = std::unique_ptr<X509, x509_free>;
using bio_ptr = std::unique_ptr<BIO, bio_free>;

void check(bool ok, const char* what) {
  if (!ok)
    throw std::runtime_error(std::string("test_ca: ") + what + " failed");
}

pkey_ptr make_key() {
  pkey_ptr key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  check(key != nullptr, "EC key generation");
  return key;
}

bool is_ip_address(const std::string& name) {
  std::array<unsigned char, 16> ignored{};
  return inet_pton(AF_INET, name.c_str(), ignored.data()) == 1 ||
         inet_pton(AF_INET6, name.c_str(), ignored.data()) == 1;
}

std::string subject_alt_names(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names)
    out += (out.empty() ? "" : ",") + std::string(is_ip_address(n) ? "IP:" : "DNS:") + n;
  return out;
}

using extension_list = std::vector<std::pair<int, std::string>>;

void add_extensions(X509* cert, X509* issuer, const extension_list& extensions) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  for (const auto& [nid, value] : extensions) {
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
    check(ext != nullptr, "building an X509v3 extension");
    int added = X509_add_ext(cert, ext, -1);
    X509_EXTENSION_free(ext);
    check(added == 1, "adding an X509v3 extension");
  }
}

/// A certificate for `key`, named `common_name`, signed by `issuer_key` (self-signed when
/// `issuer` is null).
x509_ptr make_certificate(EVP_PKEY* key, const std::string& common_name, X509* issuer,
                          EVP_PKEY* issuer_key, const extension_list& extensions) {
  x509_ptr cert(X509_new());
  check(cert != nullptr, "X509_new");
  check(X509_set_version(cert.get(), 2) == 1, "X509_set_version");
  std::uint64_t serial = 0;
  check(RAND_bytes(reinterpret_cast<unsigned char*>(&serial), sizeof serial) == 1, "RAND_bytes");
  ASN1_INTEGER_set_uint64(X509_get_serialNumber(cert.get()), serial >> 1);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 7L * 24 * 3600);
  check(X509_set_pubkey(cert.get(), key) == 1, "X509_set_pubkey");
  X509_NAME* subject = X509_get_subject_name(cert.get());
  check(X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_ASC,
                                   reinterpret_cast<const unsigned char*>(common_name.c_str()), -1,
                                   -1, 0) == 1,
        "setting the subject");
  X509* signer = issuer != nullptr ? issuer : cert.get();
  check(X509_set_issuer_name(cert.get(), X509_get_subject_name(signer)) == 1, "setting the issuer");
  add_extensions(cert.get(), signer, extensions);
  check(X509_sign(cert.get(), issuer_key, EVP_sha256()) > 0, "X509_sign");
  return cert;
}

bio_ptr open_for_writing(const std::string& path) {
  bio_ptr bio(BIO_new_file(path.c_str(), "w"));
  check(bio != nullptr, ("opening " + path).c_str());
  return bio;
}

void write_certificate(const std::string& path, X509* cert) {
  auto bio = open_for_writing(path);
  check(PEM_write_bio_X509(bio.get(), cert) == 1, "writing a certificate");
}

void write_key(const std::string& path, EVP_PKEY* key) {
  auto bio = open_for_writing(path);
  check(PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) == 1,
        "writing a private key");
}

} // namespace

struct test_ca::keys {
  pkey_ptr key;
  x509_ptr cert;
};

test_ca::test_ca(const std::string& common_name)
    : ca_file_(dir_.file("ca.pem")), keys_(std::make_unique<keys>()) {
  keys_->key = make_key();
  keys_->cert = make_certificate(keys_->key.get(), common_name, nullptr, keys_->key.get(),
                                 {{NID_basic_constraints, "critical,CA:TRUE"},
                                  {NID_key_usage, "critical,keyCertSign,cRLSign"},
                                  {NID_subject_key_identifier, "hash"}});
  write_certificate(ca_file_, keys_->cert.get());
}

test_ca::~test_ca() = default;

tls_identity test_ca::issue(const std::vector<std::string>& names) {
  check(!names.empty(), "issue() without names");
  auto key = make_key();
  auto cert = make_certificate(key.get(), names.front(), keys_->cert.get(), keys_->key.get(),
                               {{NID_basic_constraints, "critical,CA:FALSE"},
                                {NID_key_usage, "critical,digitalSignature"},
                                {NID_ext_key_usage, "serverAuth"},
                                {NID_subject_alt_name, subject_alt_names(names)},
                                {NID_subject_key_identifier, "hash"},
                                {NID_authority_key_identifier, "keyid:always"}});
  auto stem = "server-" + std::to_string(++issued_);
  tls_identity out{dir_.file(stem + ".pem"), dir_.file(stem + "-key.pem")};
  write_certificate(out.cert_file, cert.get());
  write_key(out.key_file, key.get());
  return out;
}

} // namespace hookd::testing
