"""What a vendor may disclose and change in a chain, and how an answer applies to it. No I/O."""
