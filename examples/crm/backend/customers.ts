/**
 * The crm plugin's reads of its `customers` mart (built by its dbt models in `crm_marts`), shared
 * by its route, page and dashboard block.
 *
 * @module
 */
import { type PluginWarehouse, WarehouseError } from "@honeyframe/edge";

/** One customer of the mart. */
export interface Customer {
  /** The customer's id. */
  readonly customer_id: number;
  /** First and last name. */
  readonly full_name: string;
  /** How many completed orders they placed. */
  readonly number_of_orders: number;
  /** The date of their first completed order, or `null`. */
  readonly first_order: string | null;
  /** The date of their latest completed order, or `null`. */
  readonly most_recent_order: string | null;
  /** What their completed orders add up to, as a decimal string. */
  readonly lifetime_value: string;
}

/** The mart's relation: the schema dbt derives from the plugin's (`crm`) for `+schema: marts`. */
const MART = "crm_marts.customers";

/** PostgreSQL's "relation does not exist": the models have not been built yet. */
const UNDEFINED_TABLE = "42P01";

/** The mart is not there yet: dbt has not built the plugin's models. */
export class MartNotBuilt extends Error {
  /** `MartNotBuilt`. */
  override name = "MartNotBuilt";
}

/**
 * The customers, by lifetime value, optionally those whose name contains `search`.
 *
 * @param warehouse The plugin's warehouse (`pluginContext(c).warehouse`, `props.context.warehouse`).
 * @param search Part of a name (case-insensitive), or nothing for all.
 * @returns The customers.
 * @throws {MartNotBuilt} Before dbt built the mart.
 */
export async function listCustomers(
  warehouse: PluginWarehouse,
  search = "",
): Promise<Customer[]> {
  const { rows } = await read(() =>
    warehouse.query(
      `SELECT customer_id, full_name, number_of_orders::int AS number_of_orders, first_order,
              most_recent_order, lifetime_value::text AS lifetime_value
         FROM ${MART}
        WHERE full_name ILIKE '%' || $1 || '%'
        ORDER BY lifetime_value DESC, customer_id
        LIMIT 1000`,
      [search],
    )
  );
  return rows as unknown as Customer[];
}

/**
 * How many customers the mart has.
 *
 * @param warehouse The plugin's warehouse.
 * @returns The count.
 * @throws {MartNotBuilt} Before dbt built the mart.
 */
export async function countCustomers(warehouse: PluginWarehouse): Promise<number> {
  const { rows } = await read(() => warehouse.query(`SELECT count(*)::int AS n FROM ${MART}`));
  return Number(rows[0]?.n ?? 0);
}

async function read<T>(query: () => Promise<T>): Promise<T> {
  try {
    return await query();
  } catch (error) {
    if (error instanceof WarehouseError && error.code === UNDEFINED_TABLE) {
      throw new MartNotBuilt(
        `${MART} is not built yet: run \`npx deno task plugins dbt run crm\` (or wait for its schedule)`,
      );
    }
    throw error;
  }
}
