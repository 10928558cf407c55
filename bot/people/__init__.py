"""People: registration, stage of pregnancy or baby's age, postcode district, consent, opt-out."""
