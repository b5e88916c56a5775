package io.jdbccache.internal.catalog;

import java.util.Set;

/**
 * What one session's state contributes to its results, as read back from the database: who it runs as, where its
 * unqualified names resolve, the settings that change how values are computed or rendered (and those a
 * row-level-security policy reads), and its temporary relations. Sessions in equal states share cache entries.
 *
 * @param currentUser               the role privileges and row-level security are checked against
 * @param sessionUser               the role the session logged in as (policies may read it)
 * @param searchPath                where unqualified names resolve
 * @param settings                  {@code name=value} lines of every key setting, sorted: part of the key
 * @param settingNames              the names of the settings read (a key built from this state can stand for a
 *                                  result only if the settings it depends on are among them)
 * @param temporaryRelations        names of the session's temporary tables and views, and of its other temporary
 *                                  objects (types, functions, operators, collations, text search objects) marked
 *                                  by a leading space so that no relation name matches them: while the set is not
 *                                  empty, every read of the session bypasses
 * @param standardConformingStrings false when a backslash escapes in plain strings (PostgreSQL)
 * @param snapshotByDefault         new transactions are REPEATABLE READ or SERIALIZABLE by default, or the open one
 *                                  is (read inside it: {@code SET transaction_isolation} in any form)
 * @param builtInsShadowed          the search path puts a schema before the built-ins (PostgreSQL's pg_catalog
 *                                  listed after another schema): any function, operator or type may then resolve
 *                                  to a user's object, so nothing the session runs can be vouched for
 */
public record SessionState(String currentUser, String sessionUser, SearchPath searchPath, String settings,
        Set<String> settingNames, Set<String> temporaryRelations, boolean standardConformingStrings, boolean snapshotByDefault,
        boolean builtInsShadowed) {
    public SessionState {
        settingNames = Set.copyOf(settingNames);
        temporaryRelations = Set.copyOf(temporaryRelations);
    }
}
