UPDATE customers SET phone = '+49 30 0000000' WHERE phone IS NULL;
