"""What editors do: the admin with its review workflow, restoring earlier versions, and
backups of everything people made."""
