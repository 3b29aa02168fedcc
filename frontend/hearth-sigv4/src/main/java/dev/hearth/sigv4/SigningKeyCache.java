package dev.hearth.sigv4;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Derived SigV4 signing keys ({@code kSigning}) per secret, date, region and service, so that a
 * steady stream of requests costs two HMACs each instead of six. Thread-safe. Bounded: when it holds
 * {@link #MAX_ENTRIES} keys it is emptied (keys change daily, so old entries are dead weight).
 */
final class SigningKeyCache {
    static final int MAX_ENTRIES = 4096;

    private record Key(String secret, String date, String region, String service) {
        @Override
        public String toString() {
            return "Key[date=" + date + ", region=" + region + ", service=" + service + "]";
        }
    }

    private final ConcurrentHashMap<Key, byte[]> keys = new ConcurrentHashMap<>();

    byte[] signingKey(String secret, CredentialScope scope) {
        Key key = new Key(secret, scope.date(), scope.region(), scope.service());
        byte[] cached = keys.get(key);
        if (cached != null) {
            return cached;
        }
        if (keys.size() >= MAX_ENTRIES) {
            keys.clear();
        }
        return keys.computeIfAbsent(key, SigningKeyCache::derive);
    }

    int size() {
        return keys.size();
    }

    private static byte[] derive(Key key) {
        byte[] date = Sha256.hmac(("AWS4" + key.secret()).getBytes(StandardCharsets.UTF_8), key.date());
        byte[] region = Sha256.hmac(date, key.region());
        byte[] service = Sha256.hmac(region, key.service());
        return Sha256.hmac(service, CredentialScope.TERMINATOR);
    }
}
