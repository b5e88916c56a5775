package io.jdbccache.internal.redis;

import io.jdbccache.internal.cache.InvalidationEvent;
import io.jdbccache.internal.cache.StampId;
import io.jdbccache.internal.cache.TableVersion;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The bytes the driver writes to Redis and reads back: entries (a result with the key it answers and the versions
 * it was read at) and invalidation messages. Redis is shared, so whatever is read back is untrusted input: a
 * versioned binary layout with every length and count checked against what is left, no trailing bytes, nothing
 * instantiated by name (no Java serialization), the full key compared (a hash collision of key names never serves
 * another query's rows), and, with a secret, an HMAC-SHA256 over everything before it, compared in constant time.
 * Anything else is {@link Rejected}.
 *
 * <p>Entry: {@code "JCE" 1 | flags | key | stamps | storedAtMillis | ttlMillis | snapshot | [mac]}. Message:
 * {@code "JCB" 1 | flags | instance (16 bytes) | sentAtMillis | events | [mac]}. A stamp is its database, kind,
 * table and row key; an entry's stamps carry their versions, a message's events their phase.
 */
final class WireCodec {
    static final int MAC_BYTES = 32;
    private static final byte[] ENTRY_MAGIC = {'J', 'C', 'E', 1};
    private static final byte[] MESSAGE_MAGIC = {'J', 'C', 'B', 1};
    private static final int SIGNED = 1;
    /** Far more stamps than any read names; a larger count is corruption, not a read. */
    private static final int MAX_STAMPS = 65_536;
    private static final int MAX_TEXT = 65_535;
    private static final TableVersion.Kind[] KINDS = TableVersion.Kind.values();
    private static final InvalidationEvent.Phase[] PHASES = InvalidationEvent.Phase.values();

    /** Bytes that are not a valid encoding, or not signed with this instance's secret. */
    static final class Rejected extends Exception {
        private static final long serialVersionUID = 1L;

        Rejected(String why) {
            super(why, null, false, false);
        }
    }

    /** An entry as read back, checked. */
    record Entry(StampId[] stamps, long[] versions, long storedAtMillis, long ttlMillis, byte[] snapshot) {
    }

    /** A message as read back, checked. */
    record Message(byte[] instance, long sentAtMillis, List<InvalidationEvent> events) {
    }

    private final byte[] secret;

    /** @param secret the HMAC key, or null: then only unsigned bytes are accepted, and only those are written */
    WireCodec(byte[] secret) {
        this.secret = secret == null ? null : secret.clone();
    }

    byte[] encodeEntry(byte[] key, StampId[] stamps, long[] versions, long storedAtMillis, long ttlMillis,
            byte[] snapshot) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + key.length + snapshot.length);
            DataOutputStream out = new DataOutputStream(bytes);
            out.write(ENTRY_MAGIC);
            out.writeByte(secret != null ? SIGNED : 0);
            writeBytes(out, key);
            out.writeInt(stamps.length);
            for (int i = 0; i < stamps.length; i++) {
                writeStamp(out, stamps[i]);
                out.writeLong(versions[i]);
            }
            out.writeLong(storedAtMillis);
            out.writeLong(ttlMillis);
            writeBytes(out, snapshot);
            return signed(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array does not fail
        }
    }

    /**
     * @param expectedKey the key's canonical bytes: the entry must hold exactly these
     * @throws Rejected if the bytes are not a whole, valid, correctly signed entry for {@code expectedKey}
     */
    Entry decodeEntry(byte[] bytes, byte[] expectedKey) throws Rejected {
        ByteBuffer in = verified(bytes, ENTRY_MAGIC);
        try {
            byte[] key = readBytes(in);
            if (!MessageDigest.isEqual(key, expectedKey)) {
                throw new Rejected("entry of another key");
            }
            int count = count(in);
            StampId[] stamps = new StampId[count];
            long[] versions = new long[count];
            for (int i = 0; i < count; i++) {
                stamps[i] = readStamp(in);
                versions[i] = in.getLong();
            }
            long storedAt = in.getLong();
            long ttl = in.getLong();
            byte[] snapshot = readBytes(in);
            requireEnd(in);
            if (ttl <= 0) {
                throw new Rejected("non-positive TTL");
            }
            return new Entry(stamps, versions, storedAt, ttl, snapshot);
        } catch (BufferUnderflowException | IllegalArgumentException e) {
            throw new Rejected("truncated or malformed entry");
        }
    }

    byte[] encodeMessage(byte[] instance, long sentAtMillis, List<InvalidationEvent> events) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + 48 * events.size());
            DataOutputStream out = new DataOutputStream(bytes);
            out.write(MESSAGE_MAGIC);
            out.writeByte(secret != null ? SIGNED : 0);
            out.write(instance);
            out.writeLong(sentAtMillis);
            out.writeInt(events.size());
            for (InvalidationEvent event : events) {
                writeStamp(out, event.stamp());
                out.writeByte(event.phase().ordinal());
            }
            return signed(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @throws Rejected if the bytes are not a whole, valid, correctly signed message */
    Message decodeMessage(byte[] bytes) throws Rejected {
        ByteBuffer in = verified(bytes, MESSAGE_MAGIC);
        try {
            byte[] instance = new byte[RedisTier.INSTANCE_ID_BYTES];
            in.get(instance);
            long sentAt = in.getLong();
            int count = count(in);
            List<InvalidationEvent> events = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                StampId stamp = readStamp(in);
                int phase = in.get();
                if (phase < 0 || phase >= PHASES.length) {
                    throw new Rejected("unknown phase");
                }
                events.add(new InvalidationEvent(stamp, PHASES[phase]));
            }
            requireEnd(in);
            return new Message(instance, sentAt, List.copyOf(events));
        } catch (BufferUnderflowException | IllegalArgumentException | NullPointerException e) {
            throw new Rejected("truncated or malformed message");
        }
    }

    /** Checks the magic, the signing flag against this instance's secret, and the signature; returns the body. */
    private ByteBuffer verified(byte[] bytes, byte[] magic) throws Rejected {
        if (bytes == null || bytes.length < magic.length + 1) {
            throw new Rejected("too short");
        }
        if (!Arrays.equals(bytes, 0, magic.length, magic, 0, magic.length)) {
            throw new Rejected("not this format or version");
        }
        int flags = bytes[magic.length];
        if ((flags & ~SIGNED) != 0) {
            throw new Rejected("unknown flags");
        }
        boolean isSigned = (flags & SIGNED) != 0;
        if (isSigned != (secret != null)) {
            throw new Rejected(secret != null ? "unsigned, but a secret is set" : "signed, but no secret is set");
        }
        int end = bytes.length;
        if (isSigned) {
            end -= MAC_BYTES;
            if (end < magic.length + 1) {
                throw new Rejected("too short for its signature");
            }
            byte[] expected = mac(bytes, 0, end);
            if (!MessageDigest.isEqual(expected, Arrays.copyOfRange(bytes, end, bytes.length))) {
                throw new Rejected("wrong signature");
            }
        }
        return ByteBuffer.wrap(bytes, magic.length + 1, end - magic.length - 1).slice();
    }

    private byte[] signed(ByteArrayOutputStream bytes) {
        byte[] body = bytes.toByteArray();
        if (secret == null) {
            return body;
        }
        byte[] signature = mac(body, 0, body.length);
        byte[] all = Arrays.copyOf(body, body.length + MAC_BYTES);
        System.arraycopy(signature, 0, all, body.length, MAC_BYTES);
        return all;
    }

    private byte[] mac(byte[] bytes, int offset, int length) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            mac.update(bytes, offset, length);
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
        }
    }

    private static void writeStamp(DataOutputStream out, StampId stamp) throws IOException {
        writeText(out, stamp.database());
        out.writeByte(stamp.kind().ordinal());
        writeText(out, stamp.table());
        out.writeLong(stamp.rowKey());
    }

    private static StampId readStamp(ByteBuffer in) throws Rejected {
        String database = readText(in);
        int kind = in.get();
        if (kind < 0 || kind >= KINDS.length) {
            throw new Rejected("unknown stamp kind");
        }
        String table = readText(in);
        long rowKey = in.getLong();
        return new StampId(database, KINDS[kind], table, rowKey); // checks the row key against the kind
    }

    private static void writeText(DataOutputStream out, String text) throws IOException {
        writeBytes(out, text.getBytes(StandardCharsets.UTF_8));
    }

    private static String readText(ByteBuffer in) throws Rejected {
        byte[] bytes = readBytes(in);
        if (bytes.length > MAX_TEXT) {
            throw new Rejected("text too long");
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static void writeBytes(DataOutputStream out, byte[] bytes) throws IOException {
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    private static byte[] readBytes(ByteBuffer in) throws Rejected {
        int length = in.getInt();
        if (length < 0 || length > in.remaining()) {
            throw new Rejected("length beyond the bytes");
        }
        byte[] bytes = new byte[length];
        in.get(bytes);
        return bytes;
    }

    private static int count(ByteBuffer in) throws Rejected {
        int count = in.getInt();
        if (count < 0 || count > MAX_STAMPS || count > in.remaining()) {
            throw new Rejected("count beyond the bytes");
        }
        return count;
    }

    private static void requireEnd(ByteBuffer in) throws Rejected {
        if (in.hasRemaining()) {
            throw new Rejected("trailing bytes");
        }
    }
}
