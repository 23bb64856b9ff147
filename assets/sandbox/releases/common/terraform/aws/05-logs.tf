resource "aws_cloudwatch_log_group" "app" {
  name              = "/mocm/${var.name_prefix}/application"
  retention_in_days = var.log_retention_days

  tags = {
    Name = "/mocm/${var.name_prefix}/application"
  }
}
