package io.jdbccache.internal.sql;

import java.util.Set;

/**
 * Built-in functions whose result depends only on their arguments (and on the session settings that are part of
 * the cache key). A query calling anything else (now(), random(), nextval(), a user function) is not cached unless
 * the user lists the function in {@code cache.deterministicFunctions}.
 */
public final class DeterministicFunctions {
    private static final Set<String> BUILT_IN = Set.of(
            // aggregates and window functions
            "count", "sum", "avg", "min", "max", "string_agg", "array_agg", "bool_and", "bool_or", "every",
            "stddev", "stddev_pop", "stddev_samp", "variance", "var_pop", "var_samp", "group_concat", "listagg",
            "json_agg", "jsonb_agg", "json_object_agg", "jsonb_object_agg", "bit_and", "bit_or",
            "row_number", "rank", "dense_rank", "ntile", "lag", "lead", "first_value", "last_value", "nth_value",
            "percent_rank", "cume_dist", "percentile_cont", "percentile_disc", "mode",
            // conditional
            "coalesce", "nullif", "greatest", "least", "nvl", "nvl2", "ifnull", "decode", "num_nulls",
            "num_nonnulls",
            // numeric
            "abs", "ceil", "ceiling", "floor", "round", "trunc", "truncate", "mod", "div", "power", "pow", "sqrt",
            "cbrt", "exp", "ln", "log", "log10", "sign", "pi", "degrees", "radians", "sin", "cos", "tan", "asin",
            "acos", "atan", "atan2", "width_bucket", "gcd", "lcm",
            // text
            "lower", "upper", "lcase", "ucase", "length", "char_length", "character_length", "octet_length",
            "bit_length", "substring", "substr", "trim", "ltrim", "rtrim", "btrim", "replace", "concat",
            "concat_ws", "left", "right", "lpad", "rpad", "position", "strpos", "instr", "locate", "split_part",
            "reverse", "repeat", "initcap", "translate", "ascii", "chr", "char", "md5", "encode",
            "regexp_replace", "regexp_matches", "regexp_match", "regexp_substr", "regexp_like", "starts_with",
            "quote_ident", "quote_literal", "quote_nullable", "to_hex", "format", "space",
            // dates from arguments (not from the clock)
            "date_trunc", "date_part", "extract", "to_date", "to_timestamp", "to_char", "to_number", "make_date",
            "make_time", "make_timestamp", "make_interval", "justify_days", "justify_hours", "justify_interval",
            "dateadd", "datediff", "year", "month", "day", "hour", "minute", "second", "dayofweek", "dayofyear",
            // json and arrays
            "json_build_object", "jsonb_build_object", "json_build_array", "jsonb_build_array", "to_json",
            "to_jsonb", "row_to_json", "json_extract_path", "json_extract_path_text", "jsonb_extract_path",
            "jsonb_extract_path_text", "jsonb_array_length", "json_array_length", "jsonb_typeof", "json_typeof",
            "jsonb_set", "jsonb_strip_nulls", "array_length", "array_position", "array_to_string",
            "string_to_array", "cardinality", "unnest", "generate_series", "array_append", "array_cat",
            "array_remove", "array_upper", "array_lower",
            // casts written as functions
            "cast", "convert");

    /** Built-ins that vary from call to call but change no table: calling them is never a possible write. */
    private static final Set<String> READ_ONLY_VOLATILE = Set.of(
            "now", "random", "rand", "clock_timestamp", "statement_timestamp", "transaction_timestamp",
            "timeofday", "current_setting", "gen_random_uuid", "uuid_generate_v4", "uuid_generate_v1",
            "random_uuid", "uuid", "sysdate", "systimestamp", "getdate", "version", "pg_backend_pid",
            "txid_current", "pg_sleep", "age", "current_database", "current_schema", "current_user",
            "session_user", "database", "user", "schema", "nextval", "currval", "setval", "lastval",
            "pg_typeof", "format_type", "to_regclass", "has_table_privilege", "pg_get_viewdef", "obj_description",
            "col_description", "pg_total_relation_size", "pg_relation_size", "pg_size_pretty",
            // introspection, locks and notifications: they change no table and no setting
            "current_catalog", "current_role", "inet_client_addr", "inet_client_port", "inet_server_addr",
            "inet_server_port", "pg_postmaster_start_time", "pg_conf_load_time", "pg_is_in_recovery",
            "pg_current_wal_lsn", "pg_last_wal_replay_lsn", "pg_last_xact_replay_timestamp", "pg_current_xact_id",
            "pg_current_xact_id_if_assigned", "txid_current_if_assigned", "pg_my_temp_schema", "current_schemas",
            "to_regproc", "to_regprocedure", "to_regtype", "to_regnamespace", "to_regrole", "to_regoper",
            "has_schema_privilege", "has_database_privilege", "has_column_privilege", "has_function_privilege",
            "has_sequence_privilege", "pg_has_role", "pg_table_is_visible", "pg_type_is_visible",
            "pg_function_is_visible", "pg_get_userbyid", "pg_get_indexdef", "pg_get_constraintdef",
            "pg_get_functiondef", "pg_get_function_arguments", "pg_get_function_result", "pg_get_expr",
            "pg_get_serial_sequence", "pg_get_keywords", "pg_encoding_to_char", "shobj_description",
            "pg_database_size", "pg_table_size", "pg_indexes_size", "pg_column_size", "pg_advisory_lock",
            "pg_advisory_lock_shared", "pg_advisory_unlock", "pg_advisory_unlock_shared",
            "pg_advisory_unlock_all", "pg_advisory_xact_lock", "pg_advisory_xact_lock_shared",
            "pg_try_advisory_lock", "pg_try_advisory_lock_shared", "pg_try_advisory_xact_lock",
            "pg_try_advisory_xact_lock_shared", "pg_notify", "pg_backend_memory_contexts",
            "pg_listening_channels", "pg_jit_available", "pg_blocking_pids", "pg_safe_snapshot_blocking_pids",
            "h2version", "session_id", "lock_mode", "readonly", "identity", "scope_identity",
            "last_insert_id");

    /**
     * Built-ins that change no table but change the session's settings: a statement calling them is not a write,
     * but the session's state must be read back afterwards.
     */
    private static final Set<String> SESSION_CHANGING = Set.of("set_config");

    private DeterministicFunctions() {
    }

    /** What calling a function can do, as far as the cache is concerned. */
    public enum Effect {
        /** Its result depends only on its arguments and the session state in the key: may be cached. */
        DETERMINISTIC,
        /** Varies from call to call but changes nothing: not cached, not a write. */
        READ_ONLY,
        /** Changes the session's settings but no table ({@code set_config}). */
        CHANGES_SESSION,
        /** Anything: not cached, a possible write, a possible session change. */
        UNKNOWN
    }

    /**
     * What calling {@code lowerCaseName} can do.
     *
     * @param declared functions the user declared deterministic: trusted whatever the catalog says
     * @param builtIn  false when the database resolves the name to something else than its built-in (a user's
     *                 function of that name exists, or the database has no built-in of that name)
     */
    public static Effect effect(String lowerCaseName, Set<String> declared, boolean builtIn) {
        if (declared.contains(lowerCaseName)) {
            return Effect.DETERMINISTIC;
        }
        if (!builtIn) {
            return Effect.UNKNOWN;
        }
        if (BUILT_IN.contains(lowerCaseName)) {
            return Effect.DETERMINISTIC;
        }
        if (READ_ONLY_VOLATILE.contains(lowerCaseName)) {
            return Effect.READ_ONLY;
        }
        return SESSION_CHANGING.contains(lowerCaseName) ? Effect.CHANGES_SESSION : Effect.UNKNOWN;
    }

    /**
     * True if calling the function cannot change a table: it is deterministic (built-in or declared) or a known
     * read-only built-in. Sequences change, but no cached result depends on one (queries calling them are not
     * cached).
     */
    public static boolean cannotWrite(String lowerCaseName, Set<String> declared) {
        return isDeterministic(lowerCaseName, declared) || READ_ONLY_VOLATILE.contains(lowerCaseName)
                || SESSION_CHANGING.contains(lowerCaseName);
    }

    /**
     * True if calling the function cannot change the session's state: a deterministic or read-only built-in (or a
     * function the user declared deterministic). {@code set_config} and every unknown function may change it.
     */
    public static boolean cannotChangeSession(String lowerCaseName, Set<String> declared) {
        return isDeterministic(lowerCaseName, declared) || READ_ONLY_VOLATILE.contains(lowerCaseName);
    }

    /** True if {@code lowerCaseName} is a built-in deterministic function or one the user declared. */
    public static boolean isDeterministic(String lowerCaseName, Set<String> declared) {
        return BUILT_IN.contains(lowerCaseName) || declared.contains(lowerCaseName);
    }
}
