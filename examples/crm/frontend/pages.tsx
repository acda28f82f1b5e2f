/**
 * The crm plugin's page and dashboard block, rendered by the host from its customers mart. The
 * page's nav entry needs `crm.read`, so does the page.
 *
 * @module
 */
import type { BlockProps, PluginPageProps } from "@honeyframe/edge";
import { countCustomers, listCustomers, MartNotBuilt } from "../backend/customers.ts";

/** `/plugins/crm/`: every customer, with a filter that narrows the table in the browser. */
async function Customers(props: PluginPageProps) {
  let customers;
  try {
    customers = await listCustomers(props.context.warehouse);
  } catch (error) {
    if (!(error instanceof MartNotBuilt)) throw error;
    return (
      <>
        <h1>Customers</h1>
        <p role="status">{error.message}</p>
      </>
    );
  }
  return (
    <>
      <h1>Customers</h1>
      <p>
        <label>
          Filter by name <input type="search" data-customer-filter autocomplete="off" />
        </label>{" "}
        <output data-customer-shown>{customers.length} of {customers.length}</output>
      </p>
      <table>
        <thead>
          <tr>
            <th scope="col">Customer</th>
            <th scope="col">Orders</th>
            <th scope="col">First order</th>
            <th scope="col">Latest order</th>
            <th scope="col">Lifetime value</th>
          </tr>
        </thead>
        <tbody>
          {customers.map((customer) => (
            <tr data-customer={customer.full_name.toLowerCase()}>
              <th scope="row">{customer.full_name}</th>
              <td>{customer.number_of_orders}</td>
              <td>{customer.first_order ?? "–"}</td>
              <td>{customer.most_recent_order ?? "–"}</td>
              <td>{customer.lifetime_value}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

/** The pages of crm, by path inside the plugin. */
export const pages = { "/": Customers };

/** A dashboard block: how many customers the mart has. */
async function CustomerCount(props: BlockProps) {
  try {
    const count = await countCustomers(props.context.warehouse);
    return (
      <p>
        <strong data-customer-count>{count}</strong> customers.{" "}
        <a href={`/plugins/${props.plugin.name}/`}>See them</a>
      </p>
    );
  } catch (error) {
    if (error instanceof MartNotBuilt) return <p>Not built yet.</p>;
    throw error;
  }
}

/** The dashboard blocks of crm, by id. */
export const blocks = {
  "customer-count": { title: "Customers", component: CustomerCount, size: "small" },
};
