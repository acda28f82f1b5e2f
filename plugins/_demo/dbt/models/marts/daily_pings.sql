-- Pings per day.
select date_trunc('day', pinged_at) as day, count(*) as pings
from {{ ref('stg_pings') }}
group by 1
