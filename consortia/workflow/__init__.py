"""The consortium's state machine (DESIGN §3): the transition table (``transitions``), the steps each action cannot be
taken without (``steps``), what the engine knows of a thing with a state (``machine``; the annual report has one too),
and the one door every change of state goes through (``door``)."""
