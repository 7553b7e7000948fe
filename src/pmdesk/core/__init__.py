"""The domain in pure Python: enums, rules, scoring, scheduling and layout maths."""
