"""Spiders: the discovery layer's Scrapy side — what to fetch, and in what order."""
