# Daily EBS snapshots of the MongoDB volumes (Data Lifecycle Manager).
resource "aws_iam_role" "dlm" {
  name = "${var.name_prefix}-dlm"

  # keys in jsonencode's (sorted) order
  assume_role_policy = jsonencode({
    Statement = [{
      Action    = "sts:AssumeRole"
      Effect    = "Allow"
      Principal = { Service = "dlm.amazonaws.com" }
    }]
    Version = "2012-10-17"
  })
}

resource "aws_dlm_lifecycle_policy" "mongodb" {
  description        = "Daily MongoDB EBS snapshots"
  execution_role_arn = aws_iam_role.dlm.arn
  state              = "ENABLED"

  policy_details {
    resource_types = ["VOLUME"]

    schedule {
      name = "daily"

      create_rule {
        interval      = 24
        interval_unit = "HOURS"
        times         = ["03:00"]
      }

      retain_rule {
        count = 14
      }

      copy_tags = true
    }

    target_tags = {
      Backup = "mongodb"
    }
  }
}
