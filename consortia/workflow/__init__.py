"""The consortium's state machine (DESIGN §3): the transition table (``transitions``), the steps each action cannot be
taken without (``steps``), and the one door every change of state goes through (``door``)."""
