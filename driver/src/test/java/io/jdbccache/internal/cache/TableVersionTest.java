package io.jdbccache.internal.cache;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Stamps know what they stand for by kind, never by a suffix of their name. */
class TableVersionTest {

    @Test
    void everyStampKnowsItsKindAndTable() {
        TableVersion database = new TableVersion("h2:mem:test", "*");
        TableVersion table = new TableVersion("h2:mem:test", "public.items");
        assertThat(database.kind()).isEqualTo(TableVersion.Kind.DATABASE);
        assertThat(database.isDatabaseWide()).isTrue();
        assertThat(table.kind()).isEqualTo(TableVersion.Kind.TABLE);
        assertThat(table.isRowLevel()).isFalse();

        TableVersion anyRow = table.anyRow();
        assertThat(anyRow.kind()).isEqualTo(TableVersion.Kind.ANY_ROW);
        assertThat(anyRow.name()).isEqualTo("public.items");
        assertThat(anyRow.isRowLevel()).isTrue();
        assertThat(table.anyRow()).isSameAs(anyRow);

        TableVersion row = table.row(5);
        assertThat(row.kind()).isEqualTo(TableVersion.Kind.ROW);
        assertThat(row.rowKey()).isEqualTo(5);
        assertThat(row.name()).isEqualTo("public.items");
        assertThat(row.keepsDependents()).isFalse();
        assertThat(table.row(5)).isSameAs(row);
        assertThat(table.row(6)).isNotSameAs(row);
        assertThat(row).hasToString("public.items row 5@0");
    }

    @Test
    void everyStampKnowsItsDatabaseAndHasAPortableId() {
        TableVersion table = new TableVersion("h2:mem:test", "public.items");
        assertThat(table.database()).isEqualTo("h2:mem:test");
        assertThat(table.id()).isEqualTo(new StampId("h2:mem:test", TableVersion.Kind.TABLE, "public.items", 0));
        assertThat(table.anyRow().id())
                .isEqualTo(new StampId("h2:mem:test", TableVersion.Kind.ANY_ROW, "public.items", 0));
        assertThat(table.row(7).id()).isEqualTo(new StampId("h2:mem:test", TableVersion.Kind.ROW, "public.items", 7));
        assertThat(new TableVersion("h2:mem:test", "*").id()).isEqualTo(StampId.database("h2:mem:test"));
        assertThat(table.id()).isNotEqualTo(new TableVersion("h2:mem:other", "public.items").id());
        assertThat(table.id()).isSameAs(table.id());
    }
}
