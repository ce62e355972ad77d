"""The end of a consortium's life (DESIGN §3): expiry and its reminders (daily jobs), completion declared by the lead
unit and confirmed by the city, revocation for fraud with the dishonesty record, and provincial recognition."""
