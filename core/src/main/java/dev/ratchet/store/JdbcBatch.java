package dev.ratchet.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;

/**
 * Plain JDBC batches, the write path of the stores: rows prepared beforehand as positional values, nulls
 * bound with their SQL type (PostgreSQL needs it), one round of {@code addBatch}/{@code executeBatch}.
 * Cheaper than named-parameter binding on the hot path, which profiling of trace ingest showed.
 */
public final class JdbcBatch {

    private JdbcBatch() {
    }

    /**
     * Executes {@code sql} once per row on {@code c}, inside whatever transaction {@code c} is in.
     *
     * @param types the {@link java.sql.Types} of the parameters, in order, used for null values
     * @return the update count of each row, as the driver reports it
     */
    public static int[] execute(Connection c, String sql, int[] types, List<Object[]> rows) throws SQLException {
        if (rows.isEmpty()) {
            return new int[0];
        }
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (Object[] row : rows) {
                for (int i = 0; i < row.length; i++) {
                    if (row[i] == null) {
                        ps.setNull(i + 1, types[i]);
                    } else {
                        ps.setObject(i + 1, row[i]);
                    }
                }
                ps.addBatch();
            }
            return ps.executeBatch();
        }
    }
}
