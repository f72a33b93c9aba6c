"""Scrapy commands of the project (COMMANDS_MODULE): `scrapy crawl` that checks what it is given first."""
