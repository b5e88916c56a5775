package io.jdbccache.it;

import static io.jdbccache.it.TestDb.query;
import static org.assertj.core.api.Assertions.assertThat;

import io.jdbccache.CacheStatistics;
import io.jdbccache.CachingDriver;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntFunction;
import java.util.function.IntPredicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A seeded random workload of four threads on cached connections of one cache, checked against the driver's promise:
 * a read never returns a result the database would not have returned when the read started.
 *
 * <p>Every row carries a {@code version} that writers only increase. A writer raises the row's in-memory
 * <em>floor</em> only once its write is complete (its {@code executeUpdate}, {@code commit()}, {@code COMMIT} or
 * {@code setAutoCommit(true)} returned), and marks a deleted row the same way. A reader copies the floors before it
 * sends its query; every row it gets back must be at or above that copy, must not be a row whose deletion had
 * completed, nor an item of such an account (ON DELETE CASCADE). Accounts 1..16 and all owners are never deleted,
 * so presence, counts and sums are checked too. Values written in a transaction carry its id: another connection
 * that sees one before that transaction began to commit (or ever, after a rollback) saw uncommitted data. Inside its
 * transaction a thread must see exactly its own writes, also right after its second, "observer", connection read the
 * row (which forces the interleaving where another reader caches the committed row mid-transaction). After the
 * threads stop, every distinct query of the run goes through the cache and through the real driver: equal answers.
 *
 * <p>Threads also change their session now and then (outside transactions), in every way the driver must read
 * back: the search path to a shadow schema whose tables hold only marker rows (SET, set_config, setSchema, DO),
 * and on PostgreSQL a role and a custom setting that row-level security on {@code accounts} reads (SET ROLE,
 * RESET, set_config, a plpgsql function, DO). A read must show exactly what the session may see: only marker rows
 * on the shadow path, never one of them elsewhere, and no account the session's policy hides.
 *
 * <p>The threads' connections are in one cache, or spread over several instances on one Redis prefix in strict mode
 * (writes through every instance, every instance's reads checked against the same floors), in this JVM or partly in
 * a child JVM ({@link Instances}).
 *
 * <p>Operation choices depend only on the seed ({@code -Djdbccache.seed=N}), not on the interleaving. Bounded by
 * {@code -Djdbccache.randomized.seconds} (8) and {@code -Djdbccache.randomized.operations} (5000 per thread).
 */
@ParameterizedClass(name = "{0}, {1}")
@MethodSource("configurations")
class RandomizedConsistencyTest {
    /** Fixed by default so CI runs are repeatable; {@code -Djdbccache.seed=N} explores other workloads. */
    private static final long SEED = Long.getLong("jdbccache.seed", 20261126L);
    private static final long RUN_NANOS = TimeUnit.SECONDS.toNanos(Long.getLong("jdbccache.randomized.seconds", 8));
    private static final int MAX_OPERATIONS = Integer.getInteger("jdbccache.randomized.operations", 5000);
    private static final int THREADS = 4;
    private static final int STABLE_ACCOUNTS = 16;
    private static final int INITIAL_OWNERS = 6;
    private static final int INITIAL_ITEMS = 32;
    /** Floor of a row whose deletion completed; ids are never reused, so it stays deleted. */
    private static final long DELETED = Long.MIN_VALUE;
    /** Balances, quantities and owner names at or above this were written by transaction (value - TX_MARK). */
    private static final int TX_MARK = 100_000_000;
    private static final Pattern MARKED = Pattern.compile("(?:owner-)?(\\d{9,})");
    private static final int MAX_VIOLATIONS = 50;
    /** The version of every row of the shadow schema: never written, so any other version is not a shadow row. */
    private static final int SHADOW_VERSION = 424_242;
    private static final int SHADOW_ITEMS = 8;
    private static final String ROLE = "it_rand_" + ProcessHandle.current().pid();

    /** The tables and their statements; every point read returns (id, version, ..., the written value). */
    private enum Table {
        OWNERS("owners", "name", "SELECT id, version, name FROM owners WHERE id = ?",
                "INSERT INTO owners (id, version, name) VALUES (?, 1, ?)"),
        ACCOUNTS("accounts", "balance", "SELECT id, version, owner_id, balance FROM accounts WHERE id = ?",
                "INSERT INTO accounts (id, version, owner_id, balance) VALUES (?, 1, ?, ?)"),
        ITEMS("items", "qty", "SELECT id, version, account_id, qty FROM items WHERE id = ?",
                "INSERT INTO items (id, version, account_id, qty) VALUES (?, 1, ?, ?)");

        final String pointSql;
        final String insertSql;
        final String updateSql;
        final String deleteSql;
        final String lockSql;

        Table(String name, String column, String pointSql, String insertSql) {
            this.pointSql = pointSql;
            this.insertSql = insertSql;
            this.updateSql = "UPDATE " + name + " SET " + column + " = ?, version = version + 1 WHERE id = ?";
            this.deleteSql = "DELETE FROM " + name + " WHERE id = ?";
            this.lockSql = "SELECT version FROM " + name + " WHERE id = ? FOR UPDATE";
        }
    }

    private enum ReadKind {
        OWNER_BY_ID(Table.OWNERS), ACCOUNT_BY_ID(Table.ACCOUNTS), ITEM_BY_ID(Table.ITEMS, Table.ACCOUNTS),
        ACCOUNT_RANGE(Table.ACCOUNTS), ITEMS_OF_ACCOUNT(Table.ITEMS, Table.ACCOUNTS),
        ACCOUNTS_WITH_OWNERS(Table.ACCOUNTS, Table.OWNERS), STABLE_ACCOUNT_TOTALS(Table.ACCOUNTS),
        OWNER_TOTALS(Table.OWNERS), ITEM_COUNT_OF_ACCOUNT(Table.ACCOUNTS), RICH_ACCOUNTS_VIEW(Table.ACCOUNTS);

        final Table[] tables;

        ReadKind(Table... tables) {
            this.tables = tables;
        }
    }

    private enum Action { UPDATE, INSERT, DELETE }

    private record Read(ReadKind kind, String sql, Object... params) {
        static Read point(Table table, int id) {
            return new Read(ReadKind.values()[table.ordinal()], table.pointSql, id);
        }

        static Read itemsOf(int account) {
            return new Read(ReadKind.ITEMS_OF_ACCOUNT, "SELECT id, version, account_id, qty FROM items"
                    + " WHERE account_id = ? ORDER BY id", account);
        }
    }

    /** {@code value}: the new name/balance/qty; {@code ref}: the owner of a new account, the account of a new item. */
    private record Write(Action action, Table table, int id, int value, int ref) {
        /** Updates, then inserts, then deletes, each by table and id: fewer lock cycles between transactions. */
        static final Comparator<Write> LOCK_ORDER = Comparator.comparing(Write::action)
                .thenComparing(Write::table).thenComparingInt(Write::id);
    }

    private record Query(String sql, List<Object> params) {
    }

    /** Lower bounds on what any read may see, raised only after a write completed; and completed writes. */
    private static final class Floors {
        final ConcurrentHashMap<Integer, AtomicLong> rows = new ConcurrentHashMap<>();
        final LongAdder completedWrites = new LongAdder();

        long get(int id) {
            AtomicLong floor = rows.get(id);
            return floor == null ? -1 : floor.get();
        }

        void raise(int id, long version) {
            rows.computeIfAbsent(id, k -> new AtomicLong(-1))
                    .accumulateAndGet(version, (current, v) -> current == DELETED ? DELETED : Math.max(current, v));
            completedWrites.increment();
        }

        void delete(int id) {
            rows.computeIfAbsent(id, k -> new AtomicLong(-1)).set(DELETED);
            completedWrites.increment();
        }

        Map<Integer, Long> snapshot() {
            Map<Integer, Long> copy = new HashMap<>(rows.size() * 2);
            rows.forEach((id, floor) -> copy.put(id, floor.get()));
            return copy;
        }
    }

    /**
     * Where the threads' connections live. With Redis, the strict mode's promise is the one this test checks: every
     * instance sees every write through any instance on its very next read, so the floors a write raised through
     * one instance bind the reads of all of them. (Without strict mode another instance sees a write only once the
     * channel delivered it, so these checks would report violations by design; that bounded staleness is measured
     * by RedisAcrossProcessesTest.)
     */
    enum Instances {
        /** Every connection in one cache (over the tier matrix's second tier, if any). */
        ONE_CACHE(1, false),
        /** Three caches in this JVM on one Redis prefix, strict: thread i on cache i % 3, its observer on the next. */
        REDIS_STRICT(3, false),
        /**
         * Two caches in this JVM (threads 0-2, their observers on the other one) and one in a child JVM: thread 3
         * reads and writes there, in autocommit only (no transactions, no session changes: its draws for those
         * become autocommit writes and reads).
         */
        REDIS_STRICT_TWO_JVMS(3, true);

        final int caches;
        final boolean child;

        Instances(int caches, boolean child) {
            this.caches = caches;
            this.child = child;
        }
    }

    static Stream<Arguments> configurations() {
        return Stream.of(Arguments.of(Database.H2, Instances.ONE_CACHE),
                Arguments.of(Database.POSTGRESQL, Instances.ONE_CACHE),
                Arguments.of(Database.POSTGRESQL, Instances.REDIS_STRICT),
                Arguments.of(Database.POSTGRESQL, Instances.REDIS_STRICT_TWO_JVMS));
    }

    private static final String SHARED_REDIS = "redis://" + RedisServers.SHARED_HOST + ":" + RedisServers.SHARED_PORT;

    @Parameter(0)
    Database database;
    @Parameter(1)
    Instances instances;
    TestDb db;
    /** The Redis prefix all instances share (Redis configurations only). */
    String prefix;
    /** The instance in the child JVM (REDIS_STRICT_TWO_JVMS only). */
    InstanceProcess child;
    private final Map<Table, Floors> floors = new EnumMap<>(Table.class);
    /** Transactions whose commit was issued: only their marked values may be seen by other connections. */
    private final Set<Integer> committing = ConcurrentHashMap.newKeySet();
    private final Map<String, LongAdder> operations = new ConcurrentHashMap<>();
    private final Set<Query> executed = ConcurrentHashMap.newKeySet();
    private final ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();
    private final LongAdder readsChecked = new LongAdder();

    @BeforeEach
    void setUp() throws SQLException {
        if (instances != Instances.ONE_CACHE) {
            RedisServers.requireShared();
        }
        db = TestDb.open(database);
        prefix = "jdbc-cache-test:" + db.cacheName;
        for (Table table : Table.values()) {
            floors.put(table, new Floors());
        }
        db.setup("CREATE TABLE owners (id INT PRIMARY KEY, version INT NOT NULL, name VARCHAR(40) NOT NULL)",
                "CREATE TABLE accounts (id INT PRIMARY KEY, version INT NOT NULL,"
                        + " owner_id INT NOT NULL REFERENCES owners (id), balance INT NOT NULL)",
                "CREATE TABLE items (id INT PRIMARY KEY, version INT NOT NULL,"
                        + " account_id INT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE, qty INT NOT NULL)",
                "CREATE VIEW rich_accounts AS SELECT id, version, balance FROM accounts WHERE balance >= 500",
                initialRows(Table.OWNERS, INITIAL_OWNERS, id -> "'owner-" + id + "'"),
                initialRows(Table.ACCOUNTS, STABLE_ACCOUNTS,
                        id -> (id - 1) % INITIAL_OWNERS + 1 + ", " + id * 137 % 1000),
                initialRows(Table.ITEMS, INITIAL_ITEMS, id -> (id - 1) % STABLE_ACCOUNTS + 1 + ", " + id));
        String shadow = shadowSchema();
        db.setup("CREATE SCHEMA " + shadow,
                "CREATE TABLE " + shadow + ".owners (id INT PRIMARY KEY, version INT NOT NULL, name VARCHAR(40))",
                "CREATE TABLE " + shadow + ".accounts (id INT PRIMARY KEY, version INT NOT NULL, owner_id INT,"
                        + " balance INT)",
                "CREATE TABLE " + shadow + ".items (id INT PRIMARY KEY, version INT NOT NULL, account_id INT,"
                        + " qty INT)",
                "CREATE VIEW " + shadow + ".rich_accounts AS SELECT id, version, balance FROM " + shadow
                        + ".accounts WHERE balance >= 500",
                shadowRows(shadow + ".owners", INITIAL_OWNERS, id -> "'shadow-" + id + "'"),
                shadowRows(shadow + ".accounts", STABLE_ACCOUNTS, id -> (id - 1) % INITIAL_OWNERS + 1 + ", "
                        + (id % 2 == 0 ? 600 : 100)),
                shadowRows(shadow + ".items", SHADOW_ITEMS, id -> id + ", " + id));
        if (db.isPostgres()) {
            // Row-level security on accounts, for the restricted role only (the test's own user is a superuser):
            // every third account is hidden from it, and every odd one too while app.view is 'narrow'.
            db.setup("DROP ROLE IF EXISTS " + ROLE, "CREATE ROLE " + ROLE,
                    "GRANT USAGE ON SCHEMA " + db.name + ", " + shadow + " TO " + ROLE,
                    "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA " + db.name + " TO " + ROLE,
                    "GRANT SELECT ON ALL TABLES IN SCHEMA " + shadow + " TO " + ROLE,
                    "ALTER TABLE accounts ENABLE ROW LEVEL SECURITY",
                    "CREATE POLICY by_role ON accounts USING (current_user <> '" + ROLE + "' OR (id % 3 <> 0 AND"
                            + " (coalesce(current_setting('app.view', true), '') <> 'narrow' OR id % 2 = 0)))",
                    "CREATE FUNCTION set_view(v TEXT) RETURNS TEXT LANGUAGE plpgsql AS $$"
                            + " BEGIN PERFORM set_config('app.view', v, false); RETURN v; END $$");
        }
    }

    private String shadowSchema() {
        return db.isPostgres() ? db.name + "_shadow" : "SHADOW";
    }

    private static String shadowRows(String table, int n, IntFunction<String> rest) {
        return "INSERT INTO " + table + " VALUES " + IntStream.rangeClosed(1, n)
                .mapToObj(id -> "(" + id + ", " + SHADOW_VERSION + ", " + rest.apply(id) + ")")
                .collect(Collectors.joining(", "));
    }

    /** INSERT of rows 1..n at version 1 (whose floors are set here), {@code rest} giving the other columns. */
    private String initialRows(Table table, int n, IntFunction<String> rest) {
        IntStream.rangeClosed(1, n).forEach(id -> floors.get(table).raise(id, 1));
        return table.insertSql.substring(0, table.insertSql.indexOf("VALUES") + 7) + IntStream.rangeClosed(1, n)
                .mapToObj(id -> "(" + id + ", 1, " + rest.apply(id) + ")").collect(Collectors.joining(", "));
    }

    @AfterEach
    void tearDown() throws Exception {
        try {
            if (child != null) {
                child.close();
            }
            if (db.isPostgres()) {
                db.setup("DROP SCHEMA IF EXISTS " + shadowSchema() + " CASCADE");
                db.setup("DROP OWNED BY " + ROLE, "DROP ROLE IF EXISTS " + ROLE);
            }
            db.close();
        } finally {
            if (instances != Instances.ONE_CACHE) {
                RedisServers.deleteKeys(prefix);
            }
        }
    }

    /** The name of cache {@code instance}: the test's own with one cache, else one per instance. */
    private String cacheName(int instance) {
        return instances == Instances.ONE_CACHE ? db.cacheName : db.cacheName + "_" + instance;
    }

    /** The cached URL of cache {@code instance}: with Redis, the shared server, the test's prefix, strict mode. */
    private String cachedUrl(int instance) {
        if (instances == Instances.ONE_CACHE) {
            return db.cachedUrl;
        }
        // A generous timeout: on a loaded machine a call slower than the default 100 ms would open the circuit.
        return db.cachedUrl("cache.redis.url", SHARED_REDIS, "cache.redis.prefix", prefix, "cache.redis.strict",
                "true", "cache.redis.timeout", "2s").replace("cache.name=" + db.cacheName,
                "cache.name=" + cacheName(instance));
    }

    /** Caches in this JVM (the child's is the last of {@link Instances#caches} when there is one). */
    private int localCaches() {
        return instances.child ? instances.caches - 1 : instances.caches;
    }

    @Test
    void readsNeverSeeLessThanCompletedWritesNorUncommittedOnes() throws Exception {
        System.out.printf("RandomizedConsistencyTest[%s, %s]: seed %d (rerun with -Djdbccache.seed=%d)%n",
                database, instances, SEED, SEED);
        if (instances.child) {
            child = InstanceProcess.start(cachedUrl(instances.caches - 1));
        }
        long start = System.nanoTime();
        List<Worker> workers = new ArrayList<>();
        int local = localCaches();
        for (int i = 0; i < THREADS; i++) {
            Worker worker = new Worker(i, db.connect(cachedUrl(i % local)), db.connect(cachedUrl((i + 1) % local)),
                    start + RUN_NANOS);
            worker.remote = instances.child && i == THREADS - 1 ? child : null;
            workers.add(worker);
        }
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<Void>> futures = pool.invokeAll(workers);
            for (int i = 0; i < THREADS; i++) {
                try {
                    futures.get(i).get();
                } catch (ExecutionException e) {
                    throw new AssertionError("seed " + SEED + ", " + database + " " + instances + ", thread " + i + " failed at"
                            + " operation " + workers.get(i).operation + ": " + e.getCause(), e.getCause());
                }
            }
        } finally {
            pool.shutdownNow();
        }
        long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        List<CacheStatistics> duringRun = new ArrayList<>();
        for (int i = 0; i < localCaches(); i++) {
            duringRun.add(CachingDriver.statistics(cacheName(i)).orElseThrow());
        }
        int compared = compareWithDatabaseAfterQuiescence();
        report(workers, elapsedMillis, duringRun, compared);

        assertThat(violations).as("consistency violations (seed %d, %s), first %d:%n%s", SEED, database,
                Math.min(violations.size(), 20), String.join("\n", violations.stream().limit(20).toList())).isEmpty();
        assertThat(TestDb.scalar(db.raw(), "SELECT count(*) FROM items i LEFT JOIN accounts a ON a.id = i.account_id"
                + " WHERE a.id IS NULL")).as("orphan items: the database broke its own foreign key, which voids the"
                + " cascade checks").isZero();
        assertThat(readsChecked.sum()).as("reads checked").isGreaterThan(100);
        assertThat(countOf("transaction committed")).as("committed transactions").isPositive();
        for (CacheStatistics stats : duringRun) {
            assertThat(stats.hitCount()).as("hits of cache %s while the threads ran (else this test proves nothing)",
                    stats.cacheName()).isPositive();
        }
        if (instances.child) {
            assertThat(Long.parseLong(child.call("stats")[1])).as("the child's hits in Redis").isPositive();
            assertThat(countOf("remote read ACCOUNT_BY_ID")).as("reads in the child").isPositive();
        }
    }

    /** One thread: its connection, its observer connection, its random stream and its position. */
    private final class Worker implements Callable<Void> {
        final int index;
        final Connection connection;
        final Connection observer;
        final long deadline;
        final Random random;
        final int[] attemptedInserts = new int[Table.values().length];
        long operation;
        int transactions;
        /** The id of the open transaction on {@link #connection}, or -1. */
        int openTransaction = -1;
        /** The instance in the child JVM that this thread reads and writes through instead, or null. */
        InstanceProcess remote;
        /** The session state of {@link #connection}: the shadow search path, the restricted role, app.view. */
        boolean shadow;
        boolean role;
        boolean narrow;

        Worker(int index, Connection connection, Connection observer, long deadline) {
            this.index = index;
            this.connection = connection;
            this.observer = observer;
            this.deadline = deadline;
            this.random = new Random(SEED ^ (0x9E3779B97F4A7C15L * (index + 1)));
        }

        @Override
        public Void call() throws SQLException {
            while (operation < MAX_OPERATIONS && System.nanoTime() < deadline && violations.size() < MAX_VIOLATIONS) {
                operation++;
                // Alternate read-mostly and write-heavy phases of 100 operations: entries live long enough to be hit.
                boolean quiet = operation / 100 % 2 == 0;
                int roll = random.nextInt(1000);
                if (roll < 15 && remote == null) {
                    changeSession(this);
                } else if (roll < (quiet ? 970 : 700) || shadow) {
                    // On the shadow path a thread only reads: the shadow rows must stay as they were made.
                    Read read = randomRead(this);
                    if (roll >= (quiet ? 970 : 700)) {
                        randomWrite(this); // the same draws whatever the session: the seed alone fixes the run
                    }
                    read(this, read, connection);
                } else if (roll < (quiet ? 990 : 900) || remote != null) {
                    autocommitWrite(this, randomWrite(this));
                } else {
                    transaction(this);
                }
            }
            return null;
        }

        /** Ids a thread inserts: 1000 * (thread + 1) + n, per table, so they are unique and never reused. */
        int nextId(Table table) {
            return 1000 * (index + 1) + attemptedInserts[table.ordinal()]++;
        }

        /** A recent id some thread has probably inserted (drawn without looking at shared state). */
        int insertedId(Table table) {
            int attempted = attemptedInserts[table.ordinal()];
            return 1000 * (random.nextInt(THREADS) + 1) + Math.max(0, attempted - 1 - random.nextInt(8));
        }

        int ownerId() {
            return random.nextInt(100) < 70 ? 1 + random.nextInt(INITIAL_OWNERS) : insertedId(Table.OWNERS);
        }

        int accountId() {
            return random.nextInt(100) < 65 ? 1 + random.nextInt(STABLE_ACCOUNTS) : insertedId(Table.ACCOUNTS);
        }

        int itemId() {
            return random.nextBoolean() ? 1 + random.nextInt(INITIAL_ITEMS) : insertedId(Table.ITEMS);
        }
    }

    // ---- choosing operations: every random draw happens here, before anything runs -------------------------------

    private static Read randomRead(Worker w) {
        Random r = w.random;
        int low = 1 + r.nextInt(STABLE_ACCOUNTS);
        return switch (r.nextInt(10)) {
            case 0, 1 -> Read.point(Table.ACCOUNTS, w.accountId());
            case 2 -> Read.point(Table.OWNERS, w.ownerId());
            case 3 -> Read.point(Table.ITEMS, w.itemId());
            case 4 -> {
                int from = w.accountId();
                yield new Read(ReadKind.ACCOUNT_RANGE, "SELECT id, version, owner_id, balance FROM accounts"
                        + " WHERE id BETWEEN ? AND ? ORDER BY id", from, from + 3);
            }
            case 5 -> Read.itemsOf(w.accountId());
            case 6 -> new Read(ReadKind.ACCOUNTS_WITH_OWNERS, "SELECT a.id, a.version, o.id, o.version,"
                    + " a.balance, o.name FROM accounts a JOIN owners o ON o.id = a.owner_id WHERE a.id BETWEEN ? AND ?"
                    + " ORDER BY a.id", low, low + 2 + r.nextInt(4));
            case 7 -> r.nextBoolean()
                    ? new Read(ReadKind.STABLE_ACCOUNT_TOTALS, "SELECT count(*), sum(version) FROM accounts"
                            + " WHERE id <= " + STABLE_ACCOUNTS)
                    : new Read(ReadKind.OWNER_TOTALS, "SELECT count(*), sum(version) FROM owners");
            case 8 -> new Read(ReadKind.ITEM_COUNT_OF_ACCOUNT, "SELECT count(*) FROM items WHERE account_id = ?",
                    w.accountId());
            default -> new Read(ReadKind.RICH_ACCOUNTS_VIEW, "SELECT id, version, balance FROM rich_accounts"
                    + " ORDER BY id");
        };
    }

    private static Write randomWrite(Worker w) {
        Random r = w.random;
        int roll = r.nextInt(100);
        int value = r.nextInt(1000);
        if (roll < 30) {
            return new Write(Action.UPDATE, Table.ACCOUNTS, w.accountId(), value, 0);
        } else if (roll < 42) {
            return new Write(Action.UPDATE, Table.OWNERS, w.ownerId(), value, 0);
        } else if (roll < 54) {
            return new Write(Action.UPDATE, Table.ITEMS, w.itemId(), value, 0);
        } else if (roll < 66) {
            return new Write(Action.INSERT, Table.ACCOUNTS, w.nextId(Table.ACCOUNTS), value,
                    1 + r.nextInt(INITIAL_OWNERS));
        } else if (roll < 71) {
            return new Write(Action.INSERT, Table.OWNERS, w.nextId(Table.OWNERS), value, 0);
        } else if (roll < 81) {
            return new Write(Action.INSERT, Table.ITEMS, w.nextId(Table.ITEMS), value, w.accountId());
        } else if (roll < 93) {
            return new Write(Action.DELETE, Table.ACCOUNTS, w.insertedId(Table.ACCOUNTS), value, 0);
        }
        return new Write(Action.DELETE, Table.ITEMS, w.itemId(), value, 0);
    }

    // ---- running and checking them ----------------------------------------------------------------------------

    /**
     * Moves the thread's session to another state, by one of the ways the driver must read back: the search path
     * to or from the shadow schema, and on PostgreSQL the restricted role and app.view.
     */
    private void changeSession(Worker w) throws SQLException {
        Random r = w.random;
        int dimension = db.isPostgres() ? r.nextInt(3) : 0;
        int way = r.nextInt(4);
        Connection c = w.connection;
        String sql;
        if (dimension == 0) {
            boolean toShadow = !w.shadow;
            String schema = toShadow ? shadowSchema() : (db.isPostgres() ? db.name : "PUBLIC");
            if (way == 0) {
                c.setSchema(schema);
                sql = null;
            } else if (!db.isPostgres()) {
                sql = "SET SCHEMA " + schema;
            } else {
                sql = switch (way) {
                    case 1 -> "SET search_path TO " + schema;
                    case 2 -> "SELECT set_config('search_path', '" + schema + "', false)";
                    default -> "DO $$ BEGIN PERFORM set_config('search_path', '" + schema + "', false); END $$";
                };
            }
            w.shadow = toShadow;
        } else if (dimension == 1) {
            boolean toRole = !w.role;
            sql = switch (way) {
                case 0 -> toRole ? "SET ROLE " + ROLE : "RESET ROLE";
                case 1 -> "SELECT set_config('role', '" + (toRole ? ROLE : "none") + "', false)";
                case 2 -> "DO $$ BEGIN EXECUTE '" + (toRole ? "SET ROLE " + ROLE : "RESET ROLE") + "'; END $$";
                default -> toRole ? "SET SESSION ROLE " + ROLE : "SET ROLE NONE";
            };
            w.role = toRole;
        } else {
            boolean toNarrow = !w.narrow;
            String value = toNarrow ? "narrow" : "wide";
            sql = switch (way) {
                case 0 -> toNarrow ? "SET app.view = 'narrow'" : "RESET app.view";
                case 1 -> "SELECT set_config('app.view', '" + value + "', false)";
                case 2 -> "SELECT " + db.name + ".set_view('" + value + "')";
                default -> "DO $$ BEGIN PERFORM set_config('app.view', '" + value + "', false); END $$";
            };
            w.narrow = toNarrow;
        }
        if (sql != null) {
            TestDb.exec(c, sql);
        }
        count("session change " + (dimension == 0 ? "search path" : dimension == 1 ? "role" : "app.view")
                + " way " + way);
    }

    /** Whether the reading session may see account {@code id}: the policy hides some from the restricted role. */
    private static boolean visible(boolean role, boolean narrow, long id) {
        return !role || (id % 3 != 0 && (!narrow || id % 2 == 0));
    }

    /** On the shadow path every row is a marker row; elsewhere, none is, and no hidden account appears. */
    private void checkSession(Worker w, Read read, List<List<Object>> rows, boolean shadow, boolean role,
            boolean narrow) {
        boolean accounts = read.kind() == ReadKind.ACCOUNT_BY_ID || read.kind() == ReadKind.ACCOUNT_RANGE
                || read.kind() == ReadKind.ACCOUNTS_WITH_OWNERS;
        for (List<Object> row : rows) {
            boolean totals = read.kind() == ReadKind.STABLE_ACCOUNT_TOTALS || read.kind() == ReadKind.OWNER_TOTALS
                    || read.kind() == ReadKind.ITEM_COUNT_OF_ACCOUNT;
            if (totals) {
                continue;
            }
            boolean marker = number(row.get(1)) == SHADOW_VERSION;
            if (marker != shadow) {
                violation(w, read, shadow ? "a row read on the shadow search path" : "a row read on the main path",
                        shadow ? "a shadow row" : "a main row", row);
            }
            if (!shadow && accounts && !visible(role, narrow, number(row.get(0)))) {
                violation(w, read, "account " + row.get(0) + " hidden by row-level security (role " + role
                        + ", narrow " + narrow + ")", "no row", row);
            }
        }
    }

    /** Runs a read on {@code c} (the worker's connection or its observer) and checks it against the floors. */
    private void read(Worker w, Read read, Connection c) throws SQLException {
        boolean own = c == w.connection;
        boolean shadow = own && w.shadow;
        boolean role = own && w.role;
        boolean narrow = own && w.narrow;
        Map<Table, Map<Integer, Long>> before = new EnumMap<>(Table.class);
        for (Table table : read.kind().tables) {
            before.put(table, floors.get(table).snapshot());
        }
        boolean remote = own && w.remote != null;
        List<List<Object>> rows = remote ? remoteQuery(w.remote, read)
                : read.params().length == 0 ? query(c, read.sql()) : query(c, read.sql(), read.params());
        executed.add(new Query(read.sql(), List.of(read.params())));
        readsChecked.increment();
        count((remote ? "remote read " : c == w.observer ? "observer read " : "read ") + read.kind());
        checkCommitted(w, read, rows, c == w.connection ? w.openTransaction : -1);
        checkSession(w, read, rows, shadow, role, narrow);
        if (shadow) {
            checkShadow(w, read, rows);
            return;
        }
        Map<Integer, Long> accounts = before.get(Table.ACCOUNTS);
        switch (read.kind()) {
            case OWNER_BY_ID, ACCOUNT_BY_ID, ITEM_BY_ID -> {
                Table table = read.kind().tables[0];
                int id = (Integer) read.params()[0];
                checkRows(w, read, table, before.get(table), accounts, rows, 0, 1);
                boolean neverDeleted = table == Table.ACCOUNTS ? id <= STABLE_ACCOUNTS && visible(role, narrow, id)
                        : table == Table.OWNERS && before.get(table).getOrDefault(id, -1L) >= 0;
                if (neverDeleted && rows.isEmpty()) {
                    violation(w, read, table + " " + id + " (never deleted, inserted before the read)", "a row",
                            "none");
                }
            }
            case ACCOUNT_RANGE, ACCOUNTS_WITH_OWNERS -> {
                checkRows(w, read, Table.ACCOUNTS, accounts, null, rows, 0, 1);
                if (read.kind() == ReadKind.ACCOUNTS_WITH_OWNERS) {
                    checkRows(w, read, Table.OWNERS, before.get(Table.OWNERS), null, rows, 2, 3);
                }
                Set<Long> present = rows.stream().map(row -> number(row.get(0))).collect(Collectors.toSet());
                for (int id = (Integer) read.params()[0]; id <= Math.min((Integer) read.params()[1], STABLE_ACCOUNTS);
                        id++) {
                    if (!present.contains((long) id) && visible(role, narrow, id)) {
                        violation(w, read, "account " + id + " (never deleted)", "present", "missing from " + rows);
                    }
                }
            }
            case ITEMS_OF_ACCOUNT -> checkRows(w, read, Table.ITEMS, before.get(Table.ITEMS), accounts, rows, 0, 1);
            case STABLE_ACCOUNT_TOTALS -> checkTotals(w, read, rows, accounts,
                    id -> id <= STABLE_ACCOUNTS && visible(role, narrow, id), true);
            case OWNER_TOTALS -> checkTotals(w, read, rows, before.get(Table.OWNERS), id -> true, false);
            case ITEM_COUNT_OF_ACCOUNT -> {
                long items = number(rows.get(0).get(0));
                if (accounts.getOrDefault((Integer) read.params()[0], -1L) == DELETED && items != 0) {
                    violation(w, read, "items of an account deleted before the read (ON DELETE CASCADE)", "0", items);
                }
            }
            case RICH_ACCOUNTS_VIEW -> checkRows(w, read, Table.ACCOUNTS, accounts, null, rows, 0, 1);
            default -> throw new IllegalStateException(read.kind().toString());
        }
    }

    /** A read on the shadow path: the shadow schema's fixed answers. */
    private void checkShadow(Worker w, Read read, List<List<Object>> rows) {
        switch (read.kind()) {
            case STABLE_ACCOUNT_TOTALS, OWNER_TOTALS -> {
                long expected = read.kind() == ReadKind.OWNER_TOTALS ? INITIAL_OWNERS : STABLE_ACCOUNTS;
                if (number(rows.get(0).get(0)) != expected
                        || number(rows.get(0).get(1)) != expected * SHADOW_VERSION) {
                    violation(w, read, "shadow totals", expected + " rows of version " + SHADOW_VERSION, rows);
                }
            }
            case ITEM_COUNT_OF_ACCOUNT -> {
                long expected = (Integer) read.params()[0] <= SHADOW_ITEMS ? 1 : 0;
                if (number(rows.get(0).get(0)) != expected) {
                    violation(w, read, "shadow item count", String.valueOf(expected), rows);
                }
            }
            default -> {
                // checkSession saw that every row is a shadow row
            }
        }
    }

    /** Each row's (id, version) at the given columns against the floors copied before the read. */
    private void checkRows(Worker w, Read read, Table table, Map<Integer, Long> before, Map<Integer, Long> parents,
            List<List<Object>> rows, int idColumn, int versionColumn) {
        for (List<Object> row : rows) {
            int id = (int) number(row.get(idColumn));
            long version = number(row.get(versionColumn));
            Long floor = before.get(id);
            if (floor != null && floor == DELETED) {
                violation(w, read, table + " " + id + " deleted before the read", "no row", "version " + version);
            } else if (floor != null && version < floor) {
                violation(w, read, table + " " + id + " version", ">= " + floor, version);
            }
            // Items (account_id in column 2) of an account whose deletion completed went with it.
            if (table == Table.ITEMS && parents.getOrDefault((int) number(row.get(2)), -1L) == DELETED) {
                violation(w, read, "item " + id + " of account " + row.get(2) + " deleted before the read"
                        + " (ON DELETE CASCADE)", "no row", row);
            }
        }
    }


    /** count(*) and sum(version) over rows never deleted: at least what had completed before the read. */
    private void checkTotals(Worker w, Read read, List<List<Object>> rows, Map<Integer, Long> before,
            IntPredicate included, boolean exactCount) {
        long count = 0;
        long sum = 0;
        for (Map.Entry<Integer, Long> floor : before.entrySet()) {
            if (included.test(floor.getKey()) && floor.getValue() >= 0) {
                count++;
                sum += floor.getValue();
            }
        }
        long actualCount = number(rows.get(0).get(0));
        long actualSum = number(rows.get(0).get(1));
        if (exactCount ? actualCount != count : actualCount < count) {
            violation(w, read, "count(*)", (exactCount ? "= " : ">= ") + count, actualCount);
        }
        if (actualSum < sum) {
            violation(w, read, "sum(version)", ">= " + sum, actualSum);
        }
    }

    /** No value written by a transaction other than {@code own} unless that transaction had begun to commit. */
    private void checkCommitted(Worker w, Read read, List<List<Object>> rows, int own) {
        for (List<Object> row : rows) {
            for (Object value : row) {
                Matcher marked = MARKED.matcher(String.valueOf(value));
                long n = marked.matches() ? Long.parseLong(marked.group(1)) : 0;
                if (n >= TX_MARK && n - TX_MARK != own && !committing.contains((int) (n - TX_MARK))) {
                    violation(w, read, "value " + value + " written by transaction " + (n - TX_MARK)
                            + ", which had not begun to commit (or rolled back)", "committed data", row);
                }
            }
        }
    }

    private void autocommitWrite(Worker w, Write drawn) throws SQLException {
        // H2 lets an item insert race with the delete of its account and leaves an orphan, which would void the
        // cascade checks; in autocommit, items go to accounts that are never deleted (transactions lock it).
        Write write = drawn.table() == Table.ITEMS && drawn.action() == Action.INSERT && drawn.ref() > STABLE_ACCOUNTS
                ? new Write(Action.INSERT, Table.ITEMS, drawn.id(), drawn.value(), 1 + drawn.ref() % STABLE_ACCOUNTS)
                : drawn;
        boolean accountDelete = write.action() == Action.DELETE && write.table() == Table.ACCOUNTS;
        if (accountDelete) {
            read(w, Read.itemsOf(write.id()), w.connection); // cached now, must be invalidated by the cascade
        }
        // Over several instances, the row is cached in another instance (the observer's) before the write, and read
        // there again at once after it: that read must see the write however soon it comes (strict mode's promise).
        boolean otherInstance = instances.caches > 1;
        if (otherInstance) {
            read(w, Read.point(write.table(), write.id()), w.observer);
        }
        Floors rowFloors = floors.get(write.table());
        long before = rowFloors.get(write.id());
        int changed;
        try {
            changed = w.remote != null ? remoteUpdate(w.remote, write) : execute(w.connection, write);
        } catch (SQLException e) {
            expectFailure(e);
            count("write failed (" + e.getSQLState() + ")");
            return;
        }
        count("autocommit " + write.action() + " " + write.table());
        if (changed == 1) {
            // Complete: reads starting now must see it. An update moved the version past the floor it had before it
            // ran (floors never exceed the committed version), so that floor + 1 is a safe new floor.
            switch (write.action()) {
                case UPDATE -> {
                    if (before >= 0) {
                        rowFloors.raise(write.id(), before + 1);
                    }
                }
                case INSERT -> rowFloors.raise(write.id(), 1);
                default -> rowFloors.delete(write.id());
            }
        }
        if (accountDelete) {
            read(w, Read.itemsOf(write.id()), w.connection);
        }
        if (otherInstance) {
            read(w, Read.point(write.table(), write.id()), w.observer);
        }
    }

    /**
     * 1-3 writes in one transaction (an inserted account gets an item), begun with setAutoCommit(false) or as SQL
     * (BEGIN on PostgreSQL, SET AUTOCOMMIT OFF on H2), ended by commit(), setAutoCommit(true), COMMIT or a rollback.
     * Floors move after the end only; written values carry the transaction's id.
     */
    private void transaction(Worker w) throws SQLException {
        Random r = w.random;
        int style = r.nextInt(3);
        boolean commit = r.nextInt(4) != 0;
        int id = w.index * 1_000_000 + ++w.transactions;
        List<Write> writes = new ArrayList<>();
        for (int i = 1 + r.nextInt(3); i > 0; i--) {
            Write drawn = randomWrite(w);
            Write write = new Write(drawn.action(), drawn.table(), drawn.id(), TX_MARK + id, drawn.ref());
            writes.add(write);
            if (write.action() == Action.INSERT && write.table() == Table.ACCOUNTS) {
                writes.add(new Write(Action.INSERT, Table.ITEMS, w.nextId(Table.ITEMS), TX_MARK + id, write.id()));
            }
        }
        writes.sort(Write.LOCK_ORDER);
        Read read = r.nextBoolean() ? randomRead(w) : null;
        Connection c = w.connection;
        String sqlBegin = db.isPostgres() ? "BEGIN" : "SET AUTOCOMMIT OFF";
        List<Runnable> afterCommit = new ArrayList<>();
        w.openTransaction = id;
        try {
            if (style == 2) {
                TestDb.exec(c, sqlBegin);
            } else {
                c.setAutoCommit(false);
            }
            for (Write write : writes) {
                transactionalWrite(w, write, afterCommit);
            }
            if (read != null) {
                read(w, read, c);
            }
            if (commit) {
                committing.add(id);
            }
            end(c, style, commit);
            if (commit) {
                afterCommit.forEach(Runnable::run);
            }
            count(commit ? "transaction committed" : "transaction rolled back");
        } catch (SQLException e) {
            expectFailure(e);
            count("transaction aborted (" + e.getSQLState() + ")");
            end(c, style, false);
        } finally {
            w.openTransaction = -1;
        }
        if (style == 2 && !db.isPostgres()) {
            TestDb.exec(c, "SET AUTOCOMMIT ON");
        } else if (style != 2) {
            c.setAutoCommit(true);
        }
    }

    /** Commits or rolls back as the transaction's style says: SQL, setAutoCommit(true) or commit()/rollback(). */
    private static void end(Connection c, int style, boolean commit) throws SQLException {
        if (style == 2) {
            TestDb.exec(c, commit ? "COMMIT" : "ROLLBACK");
        } else if (style == 1 && commit) {
            c.setAutoCommit(true);
        } else if (commit) {
            c.commit();
        } else {
            c.rollback();
        }
    }

    /** One write in the open transaction; the observer's read of the row, then the transaction's own read. */
    private void transactionalWrite(Worker w, Write write, List<Runnable> afterCommit) throws SQLException {
        Floors rowFloors = floors.get(write.table());
        int id = write.id();
        long expected = write.action() == Action.DELETE ? -1 : 1;
        if (write.action() == Action.UPDATE) {
            List<List<Object>> locked = query(w.connection, write.table().lockSql, id); // its version, held still
            if (locked.isEmpty()) {
                return;
            }
            expected = number(locked.get(0).get(0)) + 1;
        } else if (write.action() == Action.INSERT && write.table() == Table.ITEMS && write.ref() > STABLE_ACCOUNTS
                && query(w.connection, Table.ACCOUNTS.lockSql, write.ref()).isEmpty()) {
            return; // the account is gone; locking it keeps a concurrent delete from leaving an orphan on H2
        }
        if (execute(w.connection, write) != 1) {
            return;
        }
        count("in transaction " + write.action() + " " + write.table());
        read(w, Read.point(write.table(), id), w.observer);
        Read own = Read.point(write.table(), id);
        List<List<Object>> rows = query(w.connection, own.sql(), id);
        executed.add(new Query(own.sql(), List.of(own.params())));
        readsChecked.increment();
        long actual = rows.isEmpty() ? -1 : number(rows.get(0).get(1));
        if (actual != expected) {
            violation(w, own, "own uncommitted " + write.action() + " of " + write.table() + " " + id,
                    expected < 0 ? "no row" : "version " + expected, rows.isEmpty() ? "no row" : rows.get(0));
        }
        long version = expected;
        afterCommit.add(() -> {
            if (version < 0) {
                rowFloors.delete(id);
            } else {
                rowFloors.raise(id, version);
            }
        });
    }

    private static int execute(Connection connection, Write write) throws SQLException {
        Object[] params = parameters(write);
        try (PreparedStatement statement = connection.prepareStatement(sql(write))) {
            for (int i = 0; i < params.length; i++) {
                statement.setObject(i + 1, params[i]);
            }
            return statement.executeUpdate();
        }
    }

    /** The write in the child JVM's instance. */
    private static int remoteUpdate(InstanceProcess remote, Write write) throws SQLException {
        try {
            return remote.update(sql(write), parameters(write));
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException("the child JVM failed", e);
        }
    }

    /** A read in the child JVM's instance. */
    private static List<List<Object>> remoteQuery(InstanceProcess remote, Read read) throws SQLException {
        try {
            return remote.query(read.sql(), read.params());
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException("the child JVM failed", e);
        }
    }

    private static String sql(Write write) {
        Table table = write.table();
        return write.action() == Action.UPDATE ? table.updateSql
                : write.action() == Action.DELETE ? table.deleteSql : table.insertSql;
    }

    private static Object[] parameters(Write write) {
        Table table = write.table();
        Object value = table == Table.OWNERS ? "owner-" + write.value() : (Object) write.value();
        Object[] params = write.action() == Action.UPDATE ? new Object[] {value, write.id()}
                : write.action() == Action.DELETE ? new Object[] {write.id()}
                : table == Table.OWNERS ? new Object[] {write.id(), value}
                : new Object[] {write.id(), write.ref(), value};
        return params;
    }

    /**
     * Failures the workload provokes on purpose or by contention: a foreign key to a deleted account (class 23),
     * deadlocks and serialization failures (40), lock timeouts (H2 HYT00, PostgreSQL 55P03), a row the restricted
     * role's policy refuses (42501). Anything else fails.
     */
    private static void expectFailure(SQLException e) throws SQLException {
        String state = e.getSQLState();
        if (state == null || !(state.startsWith("23") || state.startsWith("40") || state.equals("HYT00")
                || state.equals("55P03") || state.equals("42501"))) {
            throw e;
        }
    }

    // ---- after the run ----------------------------------------------------------------------------------------

    /** Every distinct query of the run, through the cache and through the real driver: equal answers. */
    /** Every distinct query of the run, through every instance's cache and through the real driver: equal answers. */
    private int compareWithDatabaseAfterQuiescence() throws SQLException {
        List<Connection> caches = new ArrayList<>();
        for (int i = 0; i < localCaches(); i++) {
            caches.add(db.connect(cachedUrl(i)));
        }
        Connection raw = db.raw();
        List<Query> queries = new ArrayList<>(executed);
        queries.sort(Comparator.comparing(Query::toString));
        for (Query q : queries) {
            Object[] params = q.params().toArray();
            List<List<Object>> fromDatabase = params.length == 0 ? query(raw, q.sql())
                    : query(raw, q.sql(), params);
            for (int i = 0; i < instances.caches; i++) {
                List<List<Object>> fromCache = i == localCaches() ? remoteQuery(child, new Read(null, q.sql(), params))
                        : params.length == 0 ? query(caches.get(i), q.sql()) : query(caches.get(i), q.sql(), params);
                if (!fromCache.equals(fromDatabase)) {
                    violations.add("seed " + SEED + ", " + database + " " + instances + ", after quiescence: ["
                            + q.sql() + "] " + q.params() + ": cache " + i + " returned " + fromCache
                            + ", the database " + fromDatabase);
                }
            }
        }
        return queries.size();
    }

    private void report(List<Worker> workers, long elapsedMillis, List<CacheStatistics> caches, int compared) {
        StringBuilder out = new StringBuilder(String.format(
                "RandomizedConsistencyTest[%s, %s] seed %d: %d operations by %d threads in %d ms%n", database,
                instances, SEED,
                workers.stream().mapToLong(w -> w.operation).sum(), THREADS, elapsedMillis));
        new TreeMap<>(operations).forEach((kind, n) -> out.append(String.format("  %-40s %7d%n", kind, n.sum())));
        floors.forEach((table, f) -> out.append(String.format("  completed writes to %-20s %7d%n", table,
                f.completedWrites.sum())));
        out.append(String.format("  reads checked %d, distinct queries compared after quiescence %d, violations %d%n",
                readsChecked.sum(), compared, violations.size()));
        for (CacheStatistics stats : caches) {
            out.append(String.format("  cache %s during the run: hits %d, misses %d, bypasses %d, stores %d,"
                    + " invalidations %d, hit rate %.1f%%, session read-backs %d%n  bypasses by reason %s%n",
                    stats.cacheName(), stats.hitCount(), stats.missCount(), stats.bypassCount(), stats.storeCount(),
                    stats.invalidationCount(), 100 * stats.hitRate(), stats.sessionReadBacks(),
                    stats.bypassesByReason()));
        }
        System.out.print(out);
    }

    private void violation(Worker w, Read read, String what, String expected, Object actual) {
        violations.add("seed " + SEED + ", " + database + " " + instances + ", thread " + w.index + ", operation "
                + w.operation
                + (w.openTransaction >= 0 ? " (transaction " + w.openTransaction + " open)" : "") + ": ["
                + read.sql() + "] " + Arrays.toString(read.params()) + ": " + what + ": expected " + expected
                + ", got " + actual);
    }

    private void count(String kind) {
        operations.computeIfAbsent(kind, k -> new LongAdder()).increment();
    }

    private long countOf(String kind) {
        LongAdder adder = operations.get(kind);
        return adder == null ? 0 : adder.sum();
    }

    private static long number(Object value) {
        return ((Number) value).longValue();
    }
}
