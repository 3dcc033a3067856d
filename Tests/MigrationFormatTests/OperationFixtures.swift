@testable import MigrationFormat

/// One operation written in YAML and in JSON, with the value both must decode to.
struct OperationFixture: Sendable, CustomStringConvertible {
    let kind: OperationKind
    let label: String
    let yaml: String
    let json: String
    let expected: [MigrationFormat.Operation]

    var description: String { label }
}

/// Every operation kind, with every field of the format set at least once.
let operationFixtures: [OperationFixture] = [
    OperationFixture(
        kind: .createTable, label: "create_table with every column and constraint field",
        yaml: """
            operations:
              - create_table:
                  name: orders
                  comment: Customer orders
                  columns:
                    - name: id
                      type: bigint
                      pk: true
                      generated:
                        identity:
                          user_specified_values: BY DEFAULT
                          sequence_options: START WITH 1000 INCREMENT BY 1
                    - name: customer_id
                      type: bigint
                      nullable: false
                      references:
                        name: orders_customer_fk
                        table: customers
                        column: id
                        on_delete: CASCADE
                        on_update: no action
                        match_type: FULL
                        deferrable: true
                        initially_deferred: false
                    - name: status
                      type: text
                      nullable: true
                      unique: true
                      default: "'new'"
                      comment: Lifecycle state
                      check:
                        name: status_known
                        constraint: status IN ('new', 'paid')
                        no_inherit: true
                    - name: total_with_tax
                      type: numeric
                      generated:
                        expression: total * 1.2
                    - name: quantity
                      type: integer
                      default: 0
                  constraints:
                    - name: orders_status_unique
                      type: unique
                      columns: [customer_id, status]
                      deferrable: true
                      initially_deferred: true
                      nulls_not_distinct: true
                      index_parameters:
                        tablespace: fast_ssd
                        storage_parameters: fillfactor=70
                        include_columns: [quantity]
                    - name: orders_quantity_positive
                      type: check
                      check: quantity > 0
                      no_inherit: true
                    - name: orders_customer_fk2
                      type: foreign_key
                      columns: [customer_id]
                      references:
                        table: customers
                        columns: [id]
                        on_delete: SET NULL
                        on_update: RESTRICT
                        on_delete_set_columns: [customer_id]
                        match_type: SIMPLE
                    - name: orders_pk
                      type: primary_key
                      columns: [id]
                    - name: orders_no_overlap
                      type: exclude
                      exclude:
                        index_method: gist
                        elements: customer_id WITH =, period WITH &&
                        predicate: status <> 'cancelled'
            """,
        json: """
            {
              "operations": [
                {
                  "create_table": {
                    "name": "orders",
                    "comment": "Customer orders",
                    "columns": [
                      {
                        "name": "id", "type": "bigint", "pk": true,
                        "generated": {
                          "identity": {
                            "user_specified_values": "BY DEFAULT",
                            "sequence_options": "START WITH 1000 INCREMENT BY 1"
                          }
                        }
                      },
                      {
                        "name": "customer_id", "type": "bigint", "nullable": false,
                        "references": {
                          "name": "orders_customer_fk", "table": "customers", "column": "id",
                          "on_delete": "CASCADE", "on_update": "no action", "match_type": "FULL",
                          "deferrable": true, "initially_deferred": false
                        }
                      },
                      {
                        "name": "status", "type": "text", "nullable": true, "unique": true,
                        "default": "'new'", "comment": "Lifecycle state",
                        "check": {"name": "status_known", "constraint": "status IN ('new', 'paid')", "no_inherit": true}
                      },
                      {"name": "total_with_tax", "type": "numeric", "generated": {"expression": "total * 1.2"}},
                      {"name": "quantity", "type": "integer", "default": 0}
                    ],
                    "constraints": [
                      {
                        "name": "orders_status_unique", "type": "unique", "columns": ["customer_id", "status"],
                        "deferrable": true, "initially_deferred": true, "nulls_not_distinct": true,
                        "index_parameters": {
                          "tablespace": "fast_ssd", "storage_parameters": "fillfactor=70",
                          "include_columns": ["quantity"]
                        }
                      },
                      {"name": "orders_quantity_positive", "type": "check", "check": "quantity > 0", "no_inherit": true},
                      {
                        "name": "orders_customer_fk2", "type": "foreign_key", "columns": ["customer_id"],
                        "references": {
                          "table": "customers", "columns": ["id"], "on_delete": "SET NULL", "on_update": "RESTRICT",
                          "on_delete_set_columns": ["customer_id"], "match_type": "SIMPLE"
                        }
                      },
                      {"name": "orders_pk", "type": "primary_key", "columns": ["id"]},
                      {
                        "name": "orders_no_overlap", "type": "exclude",
                        "exclude": {
                          "index_method": "gist", "elements": "customer_id WITH =, period WITH &&",
                          "predicate": "status <> 'cancelled'"
                        }
                      }
                    ]
                  }
                }
              ]
            }
            """,
        expected: [
            .createTable(
                CreateTableOperation(
                    name: "orders",
                    columns: [
                        Column(
                            name: "id", type: "bigint", pk: true,
                            generated: .identity(
                                .init(userSpecifiedValues: .byDefault, sequenceOptions: "START WITH 1000 INCREMENT BY 1"))),
                        Column(
                            name: "customer_id", type: "bigint", nullable: false, nullableIsExplicit: true,
                            references: ForeignKeyReference(
                                name: "orders_customer_fk", table: "customers", column: "id", onDelete: .cascade,
                                onUpdate: .noAction, matchType: .full, deferrable: true, initiallyDeferred: false)),
                        Column(
                            name: "status", type: "text", nullable: true, nullableIsExplicit: true, unique: true,
                            default: "'new'", comment: "Lifecycle state",
                            check: ColumnCheck(name: "status_known", constraint: "status IN ('new', 'paid')", noInherit: true)),
                        Column(name: "total_with_tax", type: "numeric", generated: .expression("total * 1.2")),
                        Column(name: "quantity", type: "integer", default: "0"),
                    ],
                    comment: "Customer orders",
                    constraints: [
                        TableConstraint(
                            name: "orders_status_unique", type: .unique, columns: ["customer_id", "status"],
                            deferrable: true, initiallyDeferred: true, nullsNotDistinct: true,
                            indexParameters: IndexParameters(
                                tablespace: "fast_ssd", storageParameters: "fillfactor=70", includeColumns: ["quantity"])),
                        TableConstraint(name: "orders_quantity_positive", type: .check, noInherit: true, check: "quantity > 0"),
                        TableConstraint(
                            name: "orders_customer_fk2", type: .foreignKey, columns: ["customer_id"],
                            references: TableForeignKeyReference(
                                table: "customers", columns: ["id"], onDelete: .setNull, onUpdate: .restrict,
                                onDeleteSetColumns: ["customer_id"], matchType: .simple)),
                        TableConstraint(name: "orders_pk", type: .primaryKey, columns: ["id"]),
                        TableConstraint(
                            name: "orders_no_overlap", type: .exclude,
                            exclude: ExcludeConstraint(
                                indexMethod: "gist", elements: "customer_id WITH =, period WITH &&",
                                predicate: "status <> 'cancelled'")),
                    ]))
        ]),
    OperationFixture(
        kind: .addColumn, label: "add_column with up, check, references and backfill",
        yaml: """
            operations:
              - add_column:
                  table: orders
                  column:
                    name: fulfillment_status
                    type: varchar(50)
                    nullable: false
                    default: "'pending'"
                    check:
                      name: fulfillment_status_known
                      constraint: fulfillment_status IN ('pending', 'shipped')
                    references:
                      name: fk_status
                      table: statuses
                      column: code
                      on_delete: SET DEFAULT
                  up: CASE WHEN status = 'delivered' THEN 'shipped' ELSE 'pending' END
                  backfill:
                    batch_size: 500
                    target_batch_ms: 200
                    min_batch_size: 10
                    max_batch_size: 5000
                    workers: 2
                    pause_between_batches_ms: 0
                    vacuum_every_batches: 100
                    max_replica_lag_ms: 3000
            """,
        json: """
            {"operations": [{"add_column": {
              "table": "orders",
              "column": {
                "name": "fulfillment_status", "type": "varchar(50)", "nullable": false, "default": "'pending'",
                "check": {"name": "fulfillment_status_known", "constraint": "fulfillment_status IN ('pending', 'shipped')"},
                "references": {"name": "fk_status", "table": "statuses", "column": "code", "on_delete": "SET DEFAULT"}
              },
              "up": "CASE WHEN status = 'delivered' THEN 'shipped' ELSE 'pending' END",
              "backfill": {
                "batch_size": 500, "target_batch_ms": 200, "min_batch_size": 10, "max_batch_size": 5000,
                "workers": 2, "pause_between_batches_ms": 0, "vacuum_every_batches": 100, "max_replica_lag_ms": 3000
              }
            }}]}
            """,
        expected: [
            .addColumn(
                AddColumnOperation(
                    table: "orders",
                    column: Column(
                        name: "fulfillment_status", type: "varchar(50)", nullable: false, nullableIsExplicit: true,
                        default: "'pending'",
                        check: ColumnCheck(
                            name: "fulfillment_status_known", constraint: "fulfillment_status IN ('pending', 'shipped')"),
                        references: ForeignKeyReference(
                            name: "fk_status", table: "statuses", column: "code", onDelete: .setDefault)),
                    up: "CASE WHEN status = 'delivered' THEN 'shipped' ELSE 'pending' END",
                    backfill: BackfillSettings(
                        batchSize: 500, targetBatchMs: 200, minBatchSize: 10, maxBatchSize: 5000, workers: 2,
                        pauseBetweenBatchesMs: 0, vacuumEveryBatches: 100, maxReplicaLagMs: 3000)))
        ]),
    OperationFixture(
        kind: .dropColumn, label: "drop_column with down and backfill",
        yaml: """
            operations:
              - drop_column:
                  table: orders
                  column: legacy_code
                  down: upper(code)
                  backfill:
                    batch_size: 100
            """,
        json: """
            {"operations": [{"drop_column": {"table": "orders", "column": "legacy_code", "down": "upper(code)",
              "backfill": {"batch_size": 100}}}]}
            """,
        expected: [
            .dropColumn(
                DropColumnOperation(
                    table: "orders", column: "legacy_code", down: "upper(code)",
                    backfill: BackfillSettings(batchSize: 100)))
        ]),
    OperationFixture(
        kind: .renameColumn, label: "rename_column",
        yaml: """
            operations:
              - rename_column:
                  table: orders
                  from: qty
                  to: quantity
            """,
        json: #"{"operations": [{"rename_column": {"table": "orders", "from": "qty", "to": "quantity"}}]}"#,
        expected: [.renameColumn(RenameColumnOperation(table: "orders", from: "qty", to: "quantity"))]),
    OperationFixture(
        kind: .renameTable, label: "rename_table",
        yaml: """
            operations:
              - rename_table: {from: order, to: orders}
            """,
        json: #"{"operations": [{"rename_table": {"from": "order", "to": "orders"}}]}"#,
        expected: [.renameTable(RenameTableOperation(from: "order", to: "orders"))]),
    OperationFixture(
        kind: .dropTable, label: "drop_table",
        yaml: """
            operations:
              - drop_table:
                  name: old_orders
            """,
        json: #"{"operations": [{"drop_table": {"name": "old_orders"}}]}"#,
        expected: [.dropTable(DropTableOperation(name: "old_orders"))]),
    OperationFixture(
        kind: .alterColumn, label: "alter_column with every change",
        yaml: """
            operations:
              - alter_column:
                  table: orders
                  column: total
                  type: numeric(12,2)
                  nullable: false
                  unique:
                    name: orders_total_unique
                  check:
                    name: total_positive
                    constraint: total >= 0
                    no_inherit: false
                  references:
                    name: fk_total
                    table: totals
                    column: amount
                    on_delete: RESTRICT
                    on_update: CASCADE
                    match_type: PARTIAL
                    deferrable: false
                    initially_deferred: false
                  default: "0"
                  comment: Order total in EUR
                  up: round(total, 2)
                  down: total
                  backfill:
                    workers: 4
            """,
        json: """
            {"operations": [{"alter_column": {
              "table": "orders", "column": "total", "type": "numeric(12,2)", "nullable": false,
              "unique": {"name": "orders_total_unique"},
              "check": {"name": "total_positive", "constraint": "total >= 0", "no_inherit": false},
              "references": {"name": "fk_total", "table": "totals", "column": "amount", "on_delete": "RESTRICT",
                "on_update": "CASCADE", "match_type": "PARTIAL", "deferrable": false, "initially_deferred": false},
              "default": "0", "comment": "Order total in EUR", "up": "round(total, 2)", "down": "total",
              "backfill": {"workers": 4}
            }}]}
            """,
        expected: [
            .alterColumn(
                AlterColumnOperation(
                    table: "orders", column: "total", up: "round(total, 2)", down: "total", type: "numeric(12,2)",
                    nullable: false, unique: .init(name: "orders_total_unique"),
                    check: ColumnCheck(name: "total_positive", constraint: "total >= 0"),
                    references: ForeignKeyReference(
                        name: "fk_total", table: "totals", column: "amount", onDelete: .restrict, onUpdate: .cascade,
                        matchType: .partial, deferrable: false, initiallyDeferred: false),
                    default: .set("0"), comment: .set("Order total in EUR"), backfill: BackfillSettings(workers: 4)))
        ]),
    OperationFixture(
        kind: .createIndex, label: "create_index with every field",
        yaml: """
            operations:
              - create_index:
                  name: idx_orders_search
                  table: orders
                  method: GIN
                  unique: false
                  predicate: deleted_at IS NULL
                  storage_parameters: fastupdate=off
                  columns:
                    - column: title
                      collate: C
                      sort: desc
                      nulls: LAST
                      opclass:
                        name: gin_trgm_ops
                        params: [siglen=32]
                    - created_at
            """,
        json: """
            {"operations": [{"create_index": {
              "name": "idx_orders_search", "table": "orders", "method": "GIN", "unique": false,
              "predicate": "deleted_at IS NULL", "storage_parameters": "fastupdate=off",
              "columns": [
                {"column": "title", "collate": "C", "sort": "desc", "nulls": "LAST",
                 "opclass": {"name": "gin_trgm_ops", "params": ["siglen=32"]}},
                "created_at"
              ]
            }}]}
            """,
        expected: [
            .createIndex(
                CreateIndexOperation(
                    name: "idx_orders_search", table: "orders",
                    columns: [
                        IndexColumn(
                            column: "title", collate: "C", sort: .descending, nulls: .last,
                            opclass: OperatorClass(name: "gin_trgm_ops", params: ["siglen=32"])),
                        IndexColumn(column: "created_at"),
                    ],
                    method: .gin, unique: false, predicate: "deleted_at IS NULL", storageParameters: "fastupdate=off"))
        ]),
    OperationFixture(
        kind: .dropIndex, label: "drop_index",
        yaml: "operations:\n  - drop_index:\n      name: idx_old\n",
        json: #"{"operations": [{"drop_index": {"name": "idx_old"}}]}"#,
        expected: [.dropIndex(DropIndexOperation(name: "idx_old"))]),
    OperationFixture(
        kind: .createConstraint, label: "create_constraint foreign key with every field",
        yaml: """
            operations:
              - create_constraint:
                  table: order_lines
                  name: order_lines_order_fk
                  type: foreign_key
                  columns: [order_id, tenant_id]
                  no_inherit: false
                  references:
                    table: orders
                    columns: [id, tenant_id]
                    on_delete: CASCADE
                    on_update: NO ACTION
                    on_delete_set_columns: []
                    match_type: FULL
                  index_parameters:
                    tablespace: pg_default
                  up:
                    order_id: (SELECT id FROM orders WHERE orders.legacy_id = order_id)
                    tenant_id: tenant_id
                  down:
                    order_id: order_id
                    tenant_id: tenant_id
                  backfill:
                    batch_size: 1000
              - create_constraint:
                  table: orders
                  name: orders_total_check
                  type: check
                  columns: [total]
                  check: total >= 0
                  up:
                    total: greatest(total, 0)
                  down:
                    total: total
            """,
        json: """
            {"operations": [
              {"create_constraint": {
                "table": "order_lines", "name": "order_lines_order_fk", "type": "foreign_key",
                "columns": ["order_id", "tenant_id"], "no_inherit": false,
                "references": {"table": "orders", "columns": ["id", "tenant_id"], "on_delete": "CASCADE",
                  "on_update": "NO ACTION", "on_delete_set_columns": [], "match_type": "FULL"},
                "index_parameters": {"tablespace": "pg_default"},
                "up": {"order_id": "(SELECT id FROM orders WHERE orders.legacy_id = order_id)", "tenant_id": "tenant_id"},
                "down": {"order_id": "order_id", "tenant_id": "tenant_id"},
                "backfill": {"batch_size": 1000}
              }},
              {"create_constraint": {
                "table": "orders", "name": "orders_total_check", "type": "check", "columns": ["total"],
                "check": "total >= 0", "up": {"total": "greatest(total, 0)"}, "down": {"total": "total"}
              }}
            ]}
            """,
        expected: [
            .createConstraint(
                CreateConstraintOperation(
                    table: "order_lines", name: "order_lines_order_fk", type: .foreignKey,
                    columns: ["order_id", "tenant_id"], noInherit: false,
                    references: TableForeignKeyReference(
                        table: "orders", columns: ["id", "tenant_id"], onDelete: .cascade, onUpdate: .noAction,
                        matchType: .full),
                    indexParameters: IndexParameters(tablespace: "pg_default"),
                    up: [
                        "order_id": "(SELECT id FROM orders WHERE orders.legacy_id = order_id)", "tenant_id": "tenant_id",
                    ],
                    down: ["order_id": "order_id", "tenant_id": "tenant_id"],
                    backfill: BackfillSettings(batchSize: 1000))),
            .createConstraint(
                CreateConstraintOperation(
                    table: "orders", name: "orders_total_check", type: .check, columns: ["total"],
                    check: "total >= 0", up: ["total": "greatest(total, 0)"], down: ["total": "total"])),
        ]),
    OperationFixture(
        kind: .dropConstraint, label: "drop_constraint (legacy)",
        yaml: """
            operations:
              - drop_constraint:
                  table: orders
                  column: total
                  name: total_positive
                  up: total
                  down: greatest(total, 0)
                  backfill:
                    vacuum_every_batches: 10
            """,
        json: """
            {"operations": [{"drop_constraint": {"table": "orders", "column": "total", "name": "total_positive",
              "up": "total", "down": "greatest(total, 0)", "backfill": {"vacuum_every_batches": 10}}}]}
            """,
        expected: [
            .dropConstraint(
                DropConstraintOperation(
                    table: "orders", name: "total_positive", column: "total", up: "total",
                    down: "greatest(total, 0)", backfill: BackfillSettings(vacuumEveryBatches: 10)))
        ]),
    OperationFixture(
        kind: .dropMulticolumnConstraint, label: "drop_multicolumn_constraint",
        yaml: """
            operations:
              - drop_multicolumn_constraint:
                  table: order_lines
                  name: order_lines_unique
                  up:
                    sku: sku
                  down:
                    sku: sku || '-' || id
                    order_id: order_id
                  backfill:
                    max_replica_lag_ms: 500
            """,
        json: """
            {"operations": [{"drop_multicolumn_constraint": {"table": "order_lines", "name": "order_lines_unique",
              "up": {"sku": "sku"}, "down": {"sku": "sku || '-' || id", "order_id": "order_id"},
              "backfill": {"max_replica_lag_ms": 500}}}]}
            """,
        expected: [
            .dropMulticolumnConstraint(
                DropMulticolumnConstraintOperation(
                    table: "order_lines", name: "order_lines_unique", up: ["sku": "sku"],
                    down: ["sku": "sku || '-' || id", "order_id": "order_id"],
                    backfill: BackfillSettings(maxReplicaLagMs: 500)))
        ]),
    OperationFixture(
        kind: .renameConstraint, label: "rename_constraint",
        yaml: "operations:\n  - rename_constraint:\n      table: orders\n      from: chk_a\n      to: chk_b\n",
        json: #"{"operations": [{"rename_constraint": {"table": "orders", "from": "chk_a", "to": "chk_b"}}]}"#,
        expected: [.renameConstraint(RenameConstraintOperation(table: "orders", from: "chk_a", to: "chk_b"))]),
    OperationFixture(
        kind: .setReplicaIdentity, label: "set_replica_identity",
        yaml: """
            operations:
              - set_replica_identity:
                  table: orders
                  identity:
                    type: INDEX
                    index: orders_pkey
              - set_replica_identity:
                  table: order_lines
                  identity:
                    type: full
            """,
        json: """
            {"operations": [
              {"set_replica_identity": {"table": "orders", "identity": {"type": "INDEX", "index": "orders_pkey"}}},
              {"set_replica_identity": {"table": "order_lines", "identity": {"type": "full"}}}
            ]}
            """,
        expected: [
            .setReplicaIdentity(
                SetReplicaIdentityOperation(table: "orders", identity: ReplicaIdentity(type: .index, index: "orders_pkey"))),
            .setReplicaIdentity(SetReplicaIdentityOperation(table: "order_lines", identity: ReplicaIdentity(type: .full))),
        ]),
    OperationFixture(
        kind: .sql, label: "sql with up and down",
        yaml: """
            operations:
              - sql:
                  up: |
                    CREATE FUNCTION touch() RETURNS trigger AS $$ BEGIN RETURN NEW; END $$ LANGUAGE plpgsql;
                  down: DROP FUNCTION touch()
            """,
        json: """
            {"operations": [{"sql": {
              "up": "CREATE FUNCTION touch() RETURNS trigger AS $$ BEGIN RETURN NEW; END $$ LANGUAGE plpgsql;\\n",
              "down": "DROP FUNCTION touch()"}}]}
            """,
        expected: [
            .sql(
                RawSQLOperation(
                    up: "CREATE FUNCTION touch() RETURNS trigger AS $$ BEGIN RETURN NEW; END $$ LANGUAGE plpgsql;\n",
                    down: "DROP FUNCTION touch()"))
        ]),
    OperationFixture(
        kind: .sql, label: "sql with onComplete next to other operations",
        yaml: """
            operations:
              - drop_index:
                  name: idx_old
              - sql:
                  up: ANALYZE orders
                  onComplete: true
            """,
        json: #"{"operations": [{"drop_index": {"name": "idx_old"}}, {"sql": {"up": "ANALYZE orders", "onComplete": true}}]}"#,
        expected: [
            .dropIndex(DropIndexOperation(name: "idx_old")),
            .sql(RawSQLOperation(up: "ANALYZE orders", onComplete: true)),
        ]),
]
