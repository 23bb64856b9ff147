locals {
  bucket_names = toset(["media", "exports", "imports", "reports", "attachments", "backups", "logs"])
}

resource "aws_s3_bucket" "buckets" {
  for_each = local.bucket_names

  bucket = "${var.name_prefix}-${each.key}"

  tags = {
    Name = "${var.name_prefix}-${each.key}"
  }
}

resource "aws_s3_bucket_versioning" "buckets" {
  for_each = local.bucket_names

  bucket = aws_s3_bucket.buckets[each.key].id

  versioning_configuration {
    status = "Enabled"
  }
}
