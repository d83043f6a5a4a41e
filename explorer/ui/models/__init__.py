"""Home's model list and the Models page: every checkpoint's card."""
