"""Operations: site figures, configuration checks and backups, for admins and cron."""
