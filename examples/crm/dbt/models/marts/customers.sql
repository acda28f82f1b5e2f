-- Customer 360: one row per customer, with what their completed orders add up to.
with completed as (
    select
        customer_id,
        count(*) as number_of_orders,
        min(order_date) as first_order,
        max(order_date) as most_recent_order,
        sum(amount) as lifetime_value
    from {{ ref('stg_orders') }}
    where status = 'completed'
    group by customer_id
)

select
    customers.customer_id,
    customers.full_name,
    coalesce(completed.number_of_orders, 0) as number_of_orders,
    completed.first_order,
    completed.most_recent_order,
    coalesce(completed.lifetime_value, 0) as lifetime_value
from {{ ref('stg_customers') }} as customers
left join completed on completed.customer_id = customers.customer_id
