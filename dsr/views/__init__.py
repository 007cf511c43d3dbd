"""Request pages: the staff queue and request page, the DPO's policy page, the customer's pages."""
