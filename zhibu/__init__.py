"""zhibu (支部): organizational life of Party branches, and the committee's view across them."""
