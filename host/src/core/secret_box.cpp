#include "core/secret_box.hpp"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <vector>

#include "core/log.hpp"
#include "core/private_files.hpp"

namespace packhost::core {
namespace {

void init_sodium() {
    static const bool ok = sodium_init() >= 0;
    if (!ok) throw std::runtime_error("libsodium failed to initialise");
}

std::string errno_text() { return std::strerror(errno); }

}  // namespace

SecretBox SecretBox::open(const std::filesystem::path& key_file) {
    init_sodium();
    SecretBox box;
    const std::string path = key_file.string();
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0 && errno == ENOENT) {
        create_private_directories(key_file.parent_path());
        randombytes_buf(box.key_.data(), box.key_.size());
        // Written whole to a private file, then published with link(), which
        // fails if another process published first: nobody ever reads a
        // half-written key, and racing processes end up with one key.
        std::string tmp = path + ".tmp." + std::to_string(::getpid()) + "." + std::to_string(randombytes_random());
        int out = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        if (out < 0) throw std::runtime_error(path + ": cannot create the key file: " + errno_text());
        bool written = ::write(out, box.key_.data(), box.key_.size()) == static_cast<ssize_t>(box.key_.size());
        ::fsync(out);
        ::close(out);
        if (!written) {
            ::unlink(tmp.c_str());
            throw std::runtime_error(path + ": cannot write the key: " + errno_text());
        }
        int linked = ::link(tmp.c_str(), path.c_str());
        int link_errno = errno;
        ::unlink(tmp.c_str());
        if (linked == 0) return box;
        if (link_errno != EEXIST) {
            errno = link_errno;
            throw std::runtime_error(path + ": cannot create the key file: " + errno_text());
        }
        fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    }
    if (fd < 0) throw std::runtime_error(path + ": cannot read the key file: " + errno_text());
    if (readable_by_others(key_file)) {
        // Not changed behind the owner's back (it may be shared on purpose),
        // but never silently: whoever can read it can read every secret.
        core::log::warn("{}: the key that encrypts secrets is readable by other users; chmod 600 it", path);
    }
    ssize_t n = ::read(fd, box.key_.data(), box.key_.size());
    char extra;
    bool longer = ::read(fd, &extra, 1) > 0;
    ::close(fd);
    if (n != static_cast<ssize_t>(box.key_.size()) || longer) {
        throw std::runtime_error(path + ": not a packhost key (expected " + std::to_string(kKeyBytes) + " bytes)");
    }
    return box;
}

std::string SecretBox::seal(std::string_view plaintext) const {
    std::vector<unsigned char> buf(crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + plaintext.size());
    unsigned char* nonce = buf.data();
    randombytes_buf(nonce, crypto_secretbox_NONCEBYTES);
    crypto_secretbox_easy(buf.data() + crypto_secretbox_NONCEBYTES,
                          reinterpret_cast<const unsigned char*>(plaintext.data()), plaintext.size(), nonce,
                          key_.data());
    std::string out(sodium_base64_encoded_len(buf.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
    sodium_bin2base64(out.data(), out.size(), buf.data(), buf.size(), sodium_base64_VARIANT_ORIGINAL);
    out.resize(std::strlen(out.c_str()));
    return out;
}

std::string SecretBox::unseal(std::string_view sealed) const {
    std::vector<unsigned char> buf(sealed.size());
    size_t len = 0;
    if (sodium_base642bin(buf.data(), buf.size(), sealed.data(), sealed.size(), nullptr, &len, nullptr,
                          sodium_base64_VARIANT_ORIGINAL) != 0 ||
        len < crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES) {
        throw std::runtime_error("not an encrypted value");
    }
    std::string out(len - crypto_secretbox_NONCEBYTES - crypto_secretbox_MACBYTES, '\0');
    if (crypto_secretbox_open_easy(reinterpret_cast<unsigned char*>(out.data()),
                                   buf.data() + crypto_secretbox_NONCEBYTES, len - crypto_secretbox_NONCEBYTES,
                                   buf.data(), key_.data()) != 0) {
        throw std::runtime_error("cannot decrypt: wrong key or tampered value");
    }
    return out;
}

std::string SecretBox::tag(std::string_view purpose, std::string_view message) const {
    char context[crypto_kdf_CONTEXTBYTES] = {};
    purpose.copy(context, sizeof context);
    unsigned char subkey[crypto_generichash_KEYBYTES];
    crypto_kdf_derive_from_key(subkey, sizeof subkey, 1, context, key_.data());
    unsigned char digest[32];
    crypto_generichash(digest, sizeof digest, reinterpret_cast<const unsigned char*>(message.data()), message.size(),
                       subkey, sizeof subkey);
    sodium_memzero(subkey, sizeof subkey);
    char hex[2 * sizeof digest + 1];
    sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
    return hex;
}

}  // namespace packhost::core
