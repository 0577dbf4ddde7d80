"""Parsing, apart from navigation: plain functions that take a Scrapy response (live or saved)
and return ``monitor.items.Post`` objects, testable without crawling. A response they cannot
use raises ``spiders.parsers.common.BadResponse``."""
