"""A small hand-made export with one of every data problem, and its answers worked out by hand.

leads: 9 rows. L2 appears twice (second copy excluded), one row has no ID (excluded),
L3 'Webinar' is an alias of Events, L4 'Carrier Pigeon' is not in the taxonomy, L5 has
no source (-> Unknown), L6 is created in the future, L7 in 1985 (date emptied).
opportunities: O1 won 1,000 for L1, O2 lost for L2, O3 won 700 for L9 (no such lead),
O4 has a negative amount (excluded), O1 repeated (excluded).
activities: L1 touched 1 h and 24 h after creation; L2 touched a day *before* its
creation (excluded) and 48 h after; L8 is no lead.
"""

LEADS = b"""lead_id,lead_source,created_at,owner,amount
L1,Email,2026-01-05 09:00,Ann,
L2,email,2026-01-06 10:00,Bob,
L2,Email,2026-01-07 10:00,Bob,
L3,Webinar,2026-01-08 10:00,Ann,
L4,Carrier Pigeon,2026-01-09 10:00,Ann,
L5,,2026-01-10 10:00,Bob,
,Email,2026-01-11 10:00,Ann,
L6,Email,2027-03-01 10:00,Ann,
L7,Email,1985-01-01 10:00,Bob,
"""

OPPORTUNITIES = b"""opportunity_id,lead_id,stage,amount,created_at
O1,L1,Closed Won,"1,000",2026-02-01
O2,L2,Closed Lost,500,2026-02-02
O3,L9,Closed Won,700,2026-02-03
O4,L3,Negotiation,-50,2026-02-04
O1,L1,Closed Won,1000,2026-02-01
"""

ACTIVITIES = b"""lead_id,occurred_at,type
L1,2026-01-05 10:00,call
L1,2026-01-06 09:00,email
L2,2026-01-05 10:00,call
L2,2026-01-08 10:00,call
L8,2026-01-08 10:00,call
"""

FILES = {"leads.csv": LEADS, "opportunities.csv": OPPORTUNITIES, "activities.csv": ACTIVITIES}
