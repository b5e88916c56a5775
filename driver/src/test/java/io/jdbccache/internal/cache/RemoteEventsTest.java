package io.jdbccache.internal.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.jdbccache.internal.catalog.Dialect;
import io.jdbccache.internal.config.CacheConfig;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Events heard from other instances (the shared tier's channel) move the stamps this instance has, and make none: a
 * message names whatever its sender wrote, and whoever can write to Redis could name any number of tables and rows.
 */
class RemoteEventsTest {
    private ResultCache cache;
    private DatabaseScope scope;

    @BeforeEach
    void scope() throws Exception {
        cache = CacheRegistry.acquire(CacheConfig.of(Map.of("cache.name", "remote-events-test"), "test"));
        try (Connection h2 = DriverManager.getConnection("jdbc:h2:mem:remote-events")) {
            scope = cache.database("h2:mem:remote-events", Dialect.of(h2.getMetaData()));
        }
    }

    @AfterEach
    void release() {
        CacheRegistry.release(cache);
    }

    @Test
    void eventsAboutTablesAndRowsNeverSeenHereMakeNoStamps() {
        TableVersion known = scope.version("public.known");
        TableVersion knownRow = known.row(7);
        long tableBefore = known.current();
        long rowBefore = knownRow.current();
        int tablesBefore = scope.tables().size();

        List<InvalidationEvent> events = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            events.add(new InvalidationEvent(new StampId(scope.identity(), TableVersion.Kind.TABLE, "public.t" + i, 0),
                    InvalidationEvent.Phase.AFTER_WRITE));
            events.add(new InvalidationEvent(new StampId(scope.identity(), TableVersion.Kind.ROW, "public.known",
                    1_000 + i), InvalidationEvent.Phase.AFTER_WRITE));
            events.add(new InvalidationEvent(new StampId(scope.identity(), TableVersion.Kind.ANY_ROW, "public.u" + i, 0),
                    InvalidationEvent.Phase.AFTER_WRITE));
        }
        events.add(new InvalidationEvent(new StampId(scope.identity(), TableVersion.Kind.TABLE, "public.known", 0),
                InvalidationEvent.Phase.AFTER_WRITE));
        events.add(new InvalidationEvent(new StampId(scope.identity(), TableVersion.Kind.ROW, "public.known", 7),
                InvalidationEvent.Phase.AFTER_WRITE));
        cache.apply(events);

        assertThat(scope.tables()).as("no stamp made for a table never seen here").hasSize(tablesBefore);
        assertThat(known.existingRow(1_000)).as("no stamp made for a row never seen here").isNull();
        assertThat(known.existingAnyRow()).as("nor an any-row stamp").isNull();
        assertThat(known.current()).as("a known table's stamp moved").isGreaterThan(tableBefore);
        assertThat(knownRow.current()).as("a known row's stamp moved").isGreaterThan(rowBefore);
    }
}
